/**
 * The TensorFlow.js namespace every training function receives. It is passed around rather than imported
 * because the native backends come from the user's own install (topolens.tfjsNodePath) and bring their own
 * copy of the tfjs API; all copies share one global engine, but using the copy that registered the
 * backend keeps types and kernels consistent.
 */
export type Tf = typeof import('@tensorflow/tfjs');
export type Tensor = import('@tensorflow/tfjs').Tensor;
export type Variable = import('@tensorflow/tfjs').Variable;
