/**
 * The generic analysis request: every analysis is a request `topolens/analysis/<name>` whose params extend
 * {@link AnalysisParams}. The worker answers all of them through one runner (worker threads, cancellation,
 * `$/progress`, one cache), so an analysis adds its own protocol file with `analysisRequest<P, R>(name)`
 * and nothing here changes.
 */
import { ProgressType, RequestType } from 'vscode-jsonrpc';

export const ANALYSIS_METHOD_PREFIX = 'topolens/analysis/';

export interface AnalysisParams {
  /** The runs analysed (absolute run folders); most analyses take one, studies take several. */
  runDirs: string[];
  /** The study folder, when the request is about a study (its cache lives there). */
  studyDir?: string;
  /** Ignore and overwrite a cached result. */
  force?: boolean;
  /** Token for `$/progress` reports of type {@link AnalysisProgressType}. */
  workDoneToken?: string;
}

export interface AnalysisProgress {
  analysis: string;
  /** 0..1 when known. */
  fraction?: number;
  message?: string;
}

export const AnalysisProgressType = new ProgressType<AnalysisProgress>();

export function analysisRequest<P extends AnalysisParams, R>(name: string): RequestType<P, R, void> {
  return new RequestType<P, R, void>(ANALYSIS_METHOD_PREFIX + name);
}

/** The analysis name of a request method, or undefined for other methods. */
export function analysisNameOf(method: string): string | undefined {
  return method.startsWith(ANALYSIS_METHOD_PREFIX) ? method.slice(ANALYSIS_METHOD_PREFIX.length) : undefined;
}
