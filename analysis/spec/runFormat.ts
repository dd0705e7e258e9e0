import { z } from 'zod';
import { TrainConfigSchema, type TrainConfig } from './trainConfig';

/**
 * run.json: the one small file that says what a run is and how it ended. Everything bulky lives beside it
 * (metrics.jsonl, checkpoints/*.safetensors). The schema is versioned; a reader meeting a newer version
 * refuses with a message naming the file instead of guessing.
 */

export const RUN_SCHEMA_VERSION = 1;

export const RUN_STATUSES = ['running', 'completed', 'interrupted', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RunSummarySchema = z.object({
  step: z.number(),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  testLoss: z.number().optional(),
  testAccuracy: z.number().optional(),
});

/** What the run was trained on and with, filled in once the data and model are built (for the UI). */
export const RunShapeSchema = z.object({
  dataset: z.string(),
  trainSize: z.number(),
  testSize: z.number(),
  classes: z.number(),
  classNames: z.array(z.string()).optional(),
  inputShape: z.array(z.number()),
  probeSize: z.number(),
  totalSteps: z.number(),
  stepsPerEpoch: z.number(),
  /** Layers with weights, in order; kernels are [in, out] for dense and [kh, kw, in, out] for conv2d, so a
   *  neuron's incoming weight vector is a column (dense) or the slice [:, :, :, j] (conv2d). */
  layers: z.array(z.object({ name: z.string(), type: z.string(), activation: z.string().optional(), weights: z.array(z.object({ name: z.string(), shape: z.array(z.number()) })) })),
});

export const RunJsonSchema = z.object({
  schemaVersion: z.number().int(),
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  status: z.enum(RUN_STATUSES),
  backend: z.string(),
  config: TrainConfigSchema,
  pid: z.number().int().optional(),
  host: z.string().optional(),
  timings: z.object({
    startedAt: z.string(),
    endedAt: z.string().optional(),
    trainSeconds: z.number().optional(),
    /** Part of trainSeconds spent writing checkpoints (weights, probe predictions, evaluation). */
    checkpointSeconds: z.number().optional(),
    /** Refreshed by the writer while running; a stale heartbeat means the writer is gone. */
    heartbeatAt: z.string().optional(),
  }),
  summary: RunSummarySchema.optional(),
  error: z.object({ message: z.string(), step: z.number().optional() }).optional(),
  shape: RunShapeSchema.optional(),
  warnings: z.array(z.string()).optional(),
  /** Steps at which training was resumed (each resume continues from the checkpoint at that step). */
  resumedAt: z.array(z.number()).optional(),
  /** The study this run belongs to: its id (folder studies/<id>/ beside the runs) and this run's member name. */
  study: z.object({ id: z.string(), member: z.string() }).optional(),
});

export type RunShape = z.infer<typeof RunShapeSchema>;
export interface RunJson {
  schemaVersion: number;
  id: string;
  name: string;
  createdAt: string;
  status: RunStatus;
  backend: string;
  config: TrainConfig;
  pid?: number;
  host?: string;
  timings: { startedAt: string; endedAt?: string; trainSeconds?: number; checkpointSeconds?: number; heartbeatAt?: string };
  summary?: { step: number; trainLoss: number; trainAccuracy: number; testLoss?: number; testAccuracy?: number };
  error?: { message: string; step?: number };
  shape?: RunShape;
  warnings?: string[];
  resumedAt?: number[];
  study?: { id: string; member: string };
}

/** Parses run.json text; every problem is an Error naming `file`. */
export function parseRunJson(text: string, file: string): RunJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); the file may be truncated or corrupt`);
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > RUN_SCHEMA_VERSION) {
    throw new Error(`${file}: written by a newer TopoLens (run schema ${version}, this version reads up to ${RUN_SCHEMA_VERSION}); update TopoLens to open this run`);
  }
  const r = RunJsonSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file}: not a valid TopoLens run.json (${first})`);
  }
  return r.data as RunJson;
}
