import type { OptimizerSpec } from '../spec/trainConfig';
import type { NamedTensor } from '../store/safetensors';
import type { Param } from './network';
import type { Tf, Tensor, Variable } from './tf';

/**
 * SGD (with momentum, Nesterov) and Adam written with core ops, so that their state is ours to save and
 * restore exactly (resume must reach the same final weights) and L2 decay is applied the same way by all:
 * g <- g + weightDecay * W for kernels (biases are not decayed).
 *
 *   SGD:      v <- mu v + g;  W <- W - lr v            (Nesterov: W <- W - lr (g + mu v))    PyTorch form
 *   Adam:     m <- b1 m + (1-b1) g;  s <- b2 s + (1-b2) g^2;
 *             W <- W - lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(s) + eps)                          Keras/tfjs form
 */
export class Optimizer {
  private readonly slots = new Map<string, Variable[]>();
  /** Number of updates applied so far (Adam's t). */
  iterations = 0;

  constructor(private readonly tf: Tf, readonly spec: OptimizerSpec, private readonly params: Param[]) {
    const names = this.slotNames();
    for (const p of params) {
      if (names.length) this.slots.set(p.name, names.map(() => tf.tidy(() => tf.variable(tf.zeros(p.shape), false))));
    }
  }

  private slotNames(): string[] {
    if (this.spec.kind === 'adam') return ['m', 'v'];
    return this.spec.momentum > 0 ? ['momentum'] : [];
  }

  /** Applies one update; call inside tf.tidy. `grads` maps parameter names to gradients. */
  apply(grads: Map<string, Tensor>, lr: number, weightDecay: number): void {
    const tf = this.tf;
    this.iterations++;
    const spec = this.spec;
    const lrT = tf.scalar(lr);
    const wd = weightDecay > 0 ? tf.scalar(weightDecay) : undefined;
    let adam: { b1: Tensor; b2: Tensor; c1: Tensor; c2: Tensor; step: Tensor; eps: Tensor } | undefined;
    if (spec.kind === 'adam') {
      const t = this.iterations;
      adam = {
        b1: tf.scalar(spec.beta1),
        b2: tf.scalar(spec.beta2),
        c1: tf.scalar(1 - spec.beta1),
        c2: tf.scalar(1 - spec.beta2),
        step: tf.scalar((lr * Math.sqrt(1 - Math.pow(spec.beta2, t))) / (1 - Math.pow(spec.beta1, t))),
        eps: tf.scalar(spec.epsilon),
      };
    }
    const mu = spec.kind === 'sgd' && spec.momentum > 0 ? tf.scalar(spec.momentum) : undefined;
    for (const p of this.params) {
      let g = grads.get(p.name);
      if (!g) continue; // parameter not reached by the loss (e.g. frozen path); nothing to do
      const w = p.variable;
      if (wd && p.role === 'kernel') g = tf.add(g, tf.mul(wd, w));
      if (spec.kind === 'sgd') {
        if (mu) {
          const [v] = this.slots.get(p.name)!;
          const vNew = tf.add(tf.mul(mu, v), g);
          v.assign(vNew);
          const upd = spec.nesterov ? tf.add(g, tf.mul(mu, vNew)) : vNew;
          w.assign(tf.sub(w, tf.mul(lrT, upd)));
        } else {
          w.assign(tf.sub(w, tf.mul(lrT, g)));
        }
      } else if (adam) {
        const [m, v] = this.slots.get(p.name)!;
        const mNew = tf.add(tf.mul(adam.b1, m), tf.mul(adam.c1, g));
        const vNew = tf.add(tf.mul(adam.b2, v), tf.mul(adam.c2, tf.square(g)));
        m.assign(mNew);
        v.assign(vNew);
        w.assign(tf.sub(w, tf.mul(adam.step, tf.div(mNew, tf.add(tf.sqrt(vNew), adam.eps)))));
      }
    }
  }

  /** Slot values by parameter name (copies), for the fused wasm step that keeps its own copy. */
  slotArrays(): Map<string, Float32Array[]> {
    const out = new Map<string, Float32Array[]>();
    for (const [name, vars] of this.slots) out.set(name, vars.map((v) => new Float32Array(v.dataSync())));
    return out;
  }

  /** Slot tensors named `optimizer/<param>/<slot>`, copied out of the backend. */
  async state(): Promise<Record<string, NamedTensor>> {
    const values = new Map<string, Float32Array[]>();
    for (const [name, vars] of this.slots) values.set(name, await Promise.all(vars.map(async (v) => new Float32Array(await v.data()))));
    return this.namedState(values);
  }

  /**
   * Slot values by parameter name (slotArrays' form, e.g. the fused wasm step's copies) as the named
   * tensors of `state()`; the arrays are used as they are, not copied.
   */
  namedState(values: ReadonlyMap<string, Float32Array[]>): Record<string, NamedTensor> {
    const out: Record<string, NamedTensor> = {};
    const names = this.slotNames();
    for (const p of this.params) {
      const vals = values.get(p.name);
      if (!vals || names.length === 0) continue;
      names.forEach((slot, i) => (out[`optimizer/${p.name}/${slot}`] = { dtype: 'F32', shape: p.shape, data: vals[i] }));
    }
    return out;
  }

  restore(tensors: Record<string, NamedTensor>, iterations: number, file: string): void {
    const names = this.slotNames();
    for (const p of this.params) {
      const vars = this.slots.get(p.name);
      if (!vars) continue;
      names.forEach((slot, i) => {
        const t = tensors[`optimizer/${p.name}/${slot}`];
        if (!t) throw new Error(`${file}: optimizer state for ${p.name} (${slot}) is missing; was the run trained with another optimizer?`);
        this.tf.tidy(() => vars[i].assign(this.tf.tensor(t.data, p.shape)));
      });
    }
    this.iterations = iterations;
  }

  dispose(): void {
    for (const vars of this.slots.values()) vars.forEach((v) => v.dispose());
    this.slots.clear();
  }
}
