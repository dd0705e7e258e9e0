import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from '../../../analysis/spec/trainConfig';

/** The training tests' small problem: an 8-unit tanh MLP on 200 two-moons points (a run takes ~0.1 s). */
export function moonsConfig(over: Partial<TrainConfigInput> = {}): TrainConfig {
  return parseTrainConfig({
    dataset: { kind: 'toy', shape: 'moons', trainSamples: 200, testSamples: 100, noise: 0.1, seed: 0 },
    model: { kind: 'mlp', hidden: [8], activation: 'tanh' },
    optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 },
    batchSize: 32,
    epochs: 8,
    checkpoints: { kind: 'every', steps: 10 },
    probe: { size: 40 },
    ...over,
  }, 'test');
}
