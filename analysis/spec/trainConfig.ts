import { z } from 'zod';

/**
 * The declarative run config: everything needed to reproduce a training run, stored verbatim in run.json
 * and used by presets, "Train & Analyze" and the CLI. Defaults are filled in by the schema, so a parsed
 * config is complete and two runs with equal parsed configs are the same experiment.
 */

export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'linear'] as const;
const Activation = z.enum(ACTIVATIONS);
const PositiveInt = z.number().int().positive();
const Size = z.union([PositiveInt, z.literal('all')]);

const DatasetBase = z.object({
  /** Keep the first N training samples ('first') or N samples with equal class shares ('stratified'). */
  trainSize: PositiveInt.optional(),
  testSize: PositiveInt.optional(),
  subset: z.enum(['first', 'stratified']).default('stratified'),
  /** 'unit': pixel bytes / 255 (the SPEC A reference); 'standardize': zero mean, unit variance per feature
   *  (statistics of the training split); 'none': raw values. Toy sets are already centred and scaled. */
  normalize: z.enum(['unit', 'standardize', 'none']).default('unit'),
});

export const TOY_SHAPES = ['moons', 'circles', 'spirals', 'xor', 'blobs'] as const;

export const DatasetSpecSchema = z.discriminatedUnion('kind', [
  DatasetBase.extend({ kind: z.literal('mnist'), dir: z.string().optional() }),
  DatasetBase.extend({ kind: z.literal('fashion-mnist'), dir: z.string().optional() }),
  /** A folder of MNIST-style IDX files (raw or .gz): train-images*, train-labels*, t10k-/test-images*, t10k-/test-labels*. */
  DatasetBase.extend({ kind: z.literal('idx'), dir: z.string() }),
  /** The CIFAR-10 "binary version" folder (data_batch_1..5.bin, test_batch.bin). */
  DatasetBase.extend({ kind: z.literal('cifar10'), dir: z.string() }),
  DatasetBase.extend({
    kind: z.literal('toy'),
    shape: z.enum(TOY_SHAPES),
    trainSamples: PositiveInt.default(1000),
    testSamples: PositiveInt.default(1000),
    noise: z.number().nonnegative().default(0.1),
    /** Number of classes for spirals and blobs (moons, circles and xor have 2). */
    classes: z.number().int().min(2).max(10).default(2),
    seed: z.number().int().default(0),
    normalize: z.enum(['unit', 'standardize', 'none']).default('none'),
  }),
]);
export type DatasetSpec = z.infer<typeof DatasetSpecSchema>;

const LayerName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'layer names are letters, digits, "_" and "-", starting with a letter');

export const LayerSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dense'), name: LayerName.optional(), units: PositiveInt, activation: Activation.optional(), bias: z.boolean().optional() }),
  z.object({
    type: z.literal('conv2d'), name: LayerName.optional(), filters: PositiveInt, kernelSize: PositiveInt.default(3),
    stride: PositiveInt.default(1), padding: z.enum(['same', 'valid']).default('same'), activation: Activation.optional(), bias: z.boolean().optional(),
  }),
  z.object({ type: z.literal('maxpool'), name: LayerName.optional(), size: PositiveInt.default(2), stride: PositiveInt.optional() }),
]);
export type LayerSpec = z.infer<typeof LayerSpecSchema>;

export const ModelSpecSchema = z.discriminatedUnion('kind', [
  /** Dense layers of the given widths, then a dense output layer with one unit per class (softmax).
   *  Layers are named dense1..denseK (the output is the last) unless `names` gives all K names. */
  z.object({
    kind: z.literal('mlp'),
    hidden: z.array(PositiveInt),
    activation: Activation.default('relu'),
    bias: z.boolean().default(true),
    names: z.array(LayerName).optional(),
  }),
  /** Conv / max-pool layers on the image, flattened, then optional dense layers and the dense output layer. */
  z.object({
    kind: z.literal('cnn'),
    layers: z.array(LayerSpecSchema),
    hidden: z.array(PositiveInt).default([]),
    activation: Activation.default('relu'),
    bias: z.boolean().default(true),
    outputName: LayerName.optional(),
  }),
  /** A workspace module exporting `createModel(tf)` (see userModel.ts). */
  z.object({ kind: z.literal('file'), path: z.string().min(1) }),
]);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

export const InitSpecSchema = z.discriminatedUnion('kind', [
  /** All weights 0; `symmetryBreaking` > 0 adds N(0, symmetryBreaking) noise so neurons can differ (SPEC A). */
  z.object({ kind: z.literal('zeros'), symmetryBreaking: z.number().nonnegative().default(1e-7) }),
  z.object({ kind: z.literal('normal'), std: z.number().positive() }),
  z.object({ kind: z.literal('glorot-uniform') }),
  z.object({ kind: z.literal('glorot-normal') }),
  z.object({ kind: z.literal('he-normal') }),
  z.object({ kind: z.literal('he-uniform') }),
]);
export type InitSpec = z.infer<typeof InitSpecSchema>;

export const OptimizerSpecSchema = z.discriminatedUnion('kind', [
  /** PyTorch convention: v <- momentum * v + g; w <- w - lr * v (Nesterov: w <- w - lr * (g + momentum * v)). */
  z.object({ kind: z.literal('sgd'), lr: z.number().positive(), momentum: z.number().min(0).max(1).default(0), nesterov: z.boolean().default(false) }),
  z.object({
    kind: z.literal('adam'), lr: z.number().positive().default(0.001), beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999), epsilon: z.number().positive().default(1e-7),
  }),
]);
export type OptimizerSpec = z.infer<typeof OptimizerSpecSchema>;

export const LrScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }),
  /** lr * gamma^floor(step / everySteps). */
  z.object({ kind: z.literal('step'), everySteps: PositiveInt, gamma: z.number().positive().max(1) }),
  /** minLr + (lr - minLr) * (1 + cos(pi * step / totalSteps)) / 2. */
  z.object({ kind: z.literal('cosine'), minLr: z.number().nonnegative().default(0) }),
]);
export type LrSchedule = z.infer<typeof LrScheduleSchema>;

/** Step 0 (the initialisation) and the final step are always checkpoints. */
export const CheckpointScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('every'), steps: PositiveInt }),
  z.object({ kind: z.literal('even'), count: z.number().int().min(2) }),
  /** Dense early, sparse late (SPEC C), geometrically spaced steps; duplicates after rounding are merged. */
  z.object({ kind: z.literal('log'), count: z.number().int().min(2) }),
]);
export type CheckpointSchedule = z.infer<typeof CheckpointScheduleSchema>;

/**
 * When to stop before `epochs`/`steps` run out (those become the maximum): the train-loss plateau rule,
 * checked at each epoch's end on the mean minibatch loss (analysis/training/stopping.ts).
 */
export const StoppingRuleSchema = z.object({
  kind: z.literal('train-loss-plateau'),
  /** Epochs in a row without an improvement larger than minDelta. */
  patience: PositiveInt.default(5),
  /** Smallest decrease of the epoch-mean train loss that counts as an improvement (absolute). */
  minDelta: z.number().nonnegative().default(1e-3),
});
export type StoppingRule = z.infer<typeof StoppingRuleSchema>;

const TrainConfigObject = z
  .object({
    dataset: DatasetSpecSchema,
    model: ModelSpecSchema,
    init: InitSpecSchema.default({ kind: 'glorot-uniform' }),
    optimizer: OptimizerSpecSchema,
    lrSchedule: LrScheduleSchema.default({ kind: 'constant' }),
    /** L2 penalty (wd/2)·||W||² on kernels (not biases), i.e. gradient += wd · W. */
    weightDecay: z.number().nonnegative().default(0),
    batchSize: PositiveInt,
    epochs: PositiveInt.optional(),
    steps: PositiveInt.optional(),
    checkpoints: CheckpointScheduleSchema.default({ kind: 'even', count: 21 }),
    /** Optional early stop; the last step run always gets a checkpoint. */
    stopping: StoppingRuleSchema.optional(),
    seeds: z.object({ init: z.number().int().default(1), shuffle: z.number().int().default(1), probe: z.number().int().default(1) }).prefault({}),
    probe: z.object({ size: PositiveInt.default(1000), split: z.enum(['test', 'train']).default('test') }).prefault({}),
    /**
     * Train/test loss and accuracy at each checkpoint, measured on fixed stratified subsets of these sizes.
     * testSize 'probe' (the default) scores the probe set's recorded predictions, which costs nothing extra
     * when the probe set comes from the test split (it is a stratified test sample): checkpoints stay cheap
     * even when they are dense.
     */
    evaluation: z.object({ trainSize: Size.default(1000), testSize: z.union([Size, z.literal('probe')]).default('probe') }).prefault({}),
    /** Steps between training-loss records in metrics.jsonl; default: about 500 records per run. */
    logEvery: PositiveInt.optional(),
  })
  .refine((c) => (c.epochs === undefined) !== (c.steps === undefined), { message: 'give exactly one of "epochs" and "steps"', path: ['epochs'] });

/**
 * Shorthand accepted on input: `modelFile: "<path>"` (a workspace model, see userModel.ts) stands for
 * `model: { kind: 'file', path }` and wins over a `model` inherited from a preset.
 */
function expandModelFile(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || !('modelFile' in raw)) return raw;
  const { modelFile, ...rest } = raw as Record<string, unknown>;
  return typeof modelFile === 'string' && modelFile.length > 0 ? { ...rest, model: { kind: 'file', path: modelFile } } : raw;
}

export const TrainConfigSchema = z.preprocess(expandModelFile, TrainConfigObject);
export type TrainConfig = z.infer<typeof TrainConfigObject>;
export type TrainConfigInput = z.input<typeof TrainConfigObject> & { modelFile?: string };

/** Validates and completes a config; errors name `source` (a file, preset or setting) and each bad field. */
export function parseTrainConfig(json: unknown, source: string): TrainConfig {
  const r = TrainConfigSchema.safeParse(json);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(config)'}: ${i.message}`);
    throw new Error(`${source}: invalid training config:\n${lines.join('\n')}`);
  }
  return r.data;
}

/**
 * Things worth telling the user before a run starts. Zero initialisation with ReLU or tanh hidden units
 * cannot learn (SPEC A): relu(0) = tanh(0) = 0, so hidden activations and the gradients reaching the first
 * layers vanish; a tiny symmetry-breaking noise does not rescue it in useful time.
 */
export function configWarnings(config: TrainConfig): string[] {
  const out: string[] = [];
  const m = config.model;
  if (config.init.kind === 'zeros' && m.kind !== 'file') {
    const acts = m.kind === 'mlp' ? (m.hidden.length ? [m.activation] : []) : [...m.layers.filter((l) => l.type !== 'maxpool').map((l) => ('activation' in l && l.activation) || m.activation), ...(m.hidden.length ? [m.activation] : [])];
    const dead = [...new Set(acts.filter((a) => a === 'relu' || a === 'tanh'))];
    if (dead.length) {
      out.push(`Zero initialisation with ${dead.join('/')} hidden units cannot learn: ${dead.join('/')}(0) = 0, so the hidden layers receive no gradient. Use sigmoid units (as in Gabella's experiment) or a random initialisation.`);
    }
    if (config.init.symmetryBreaking === 0 && m.kind === 'mlp' && m.hidden.length) {
      out.push('Zero initialisation without symmetry breaking: all neurons of a layer stay identical for the whole run (exact arithmetic keeps them equal).');
    }
  }
  if (config.optimizer.kind === 'sgd' && config.optimizer.lr > 2) out.push(`Learning rate ${config.optimizer.lr} is very large for SGD; the loss will likely diverge.`);
  if (config.optimizer.kind === 'sgd' && config.optimizer.nesterov && config.optimizer.momentum === 0) out.push('Nesterov momentum has no effect with momentum 0.');
  return out;
}
