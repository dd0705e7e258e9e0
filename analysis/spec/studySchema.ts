/**
 * The zod schema of study.json. Loaded lazily by studyFormat.ts's parser (zod costs ~0.2 s to load unbundled,
 * and the extension host, which reads studies for the runs tree, must not pay that at activation).
 */
import { z } from 'zod';
import { TrainConfigSchema } from './trainConfig';

export const StudyMemberPlanSchema = z.object({
  /** Unique within the study; recorded as `study.member` in the member's run.json. */
  name: z.string().min(1),
  config: TrainConfigSchema,
});

export const StudyJsonSchema = z.object({
  schemaVersion: z.number().int(),
  id: z.string().min(1),
  name: z.string(),
  createdAt: z.string(),
  /** The preset study it was created from (analysis/training/presets.ts STUDIES), if any. */
  presetStudyId: z.string().optional(),
  description: z.string().optional(),
  members: z.array(StudyMemberPlanSchema).superRefine((members, ctx) => {
    const seen = new Set<string>();
    members.forEach((m, i) => {
      if (seen.has(m.name)) ctx.addIssue({ code: 'custom', message: `member name "${m.name}" appears twice`, path: [i, 'name'] });
      seen.add(m.name);
    });
  }),
  /** Panel ids the study is meant for (opened by Train & Analyze), e.g. 'weightBarcode'. */
  panels: z.array(z.string()).optional(),
});

/** Compile-time check: the hand-written StudyJson in studyFormat.ts accepts everything this schema parses. */
export type StudyJsonMatchesSchema = [z.infer<typeof StudyJsonSchema>] extends [import('./studyFormat').StudyJson] ? true : never;
export const studyJsonMatchesSchema: StudyJsonMatchesSchema = true; // fails to compile when the two drift
