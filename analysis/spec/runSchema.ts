/**
 * The zod schema of run.json. Loaded lazily by runFormat.ts's parser (zod costs ~0.2 s to load unbundled,
 * and the extension host must not pay that at activation).
 */
import { z } from 'zod';
import { TrainConfigSchema } from './trainConfig';
import { IMPORT_FORMATS, RUN_STATUSES } from './runFormat';

export const ImportedSourceSchema = z.object({
  kind: z.literal('imported'),
  format: z.enum(IMPORT_FORMATS),
  dir: z.string(),
  files: z.array(z.object({
    path: z.string(),
    step: z.number().int().optional(),
    role: z.enum(['checkpoint', 'predictions', 'labels', 'metrics']),
    bytes: z.number(),
    modifiedAt: z.string(),
  })),
  importedAt: z.string(),
  layout: z.enum(['torch', 'keras', 'map']),
  mapFile: z.string().optional(),
  layers: z.array(z.object({
    name: z.string(), kernel: z.string(), bias: z.string().optional(), orientation: z.enum(['out-in', 'in-out']),
    type: z.enum(['dense', 'conv2d']), shape: z.array(z.number().int()), activation: z.string().optional(),
  })),
  probeSize: z.number().int().optional(),
  classes: z.number().int().optional(),
});

export const RunSourceSchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('trained') }), ImportedSourceSchema]);

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
  /** Required for trained runs (no `source`, or `source.kind` 'trained'); absent for imported ones. */
  config: TrainConfigSchema.optional(),
  source: RunSourceSchema.optional(),
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
  /** Why training ended where it did (completed runs). */
  stop: z.object({ rule: z.enum(['train-loss-plateau', 'max-steps']), step: z.number(), epoch: z.number(), reason: z.string() }).optional(),
}).superRefine((run, ctx) => {
  if (run.source?.kind !== 'imported' && run.config === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['config'], message: 'Required (a trained run records its config; only imported runs have none)' });
  }
});


/** Compile-time check: the hand-written RunShape in runFormat.ts accepts everything this schema parses. */
export type RunShapeMatchesSchema = [z.infer<typeof RunShapeSchema>] extends [import('./runFormat').RunShape] ? true : never;
