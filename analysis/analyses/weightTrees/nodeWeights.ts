/**
 * What a Mapper node of weight trajectories looks like: the mean incoming weight vector of its members
 * (a 28x28 image for an MNIST first layer) and a few members' own vectors. Reads only the checkpoints the
 * members come from, one kernel each; never cached (the panel asks for one node at a time).
 */
import type { NodeWeights, NodeWeightsParams } from '../../worker/protocol/weightTrees';
import { plainContext, type AnalysisContext } from '../definition';
import { strideSample } from './fitEps';
import { pickLayers, readTreeRun } from './runInputs';
import { readLayerKernel } from './trajectoryCloud';

export function computeNodeWeights(params: NodeWeightsParams, context: AnalysisContext = plainContext()): NodeWeights {
  const run = readTreeRun(params, 'weightTreesNode');
  const [{ layer }] = pickLayers(run, [params.layer]);
  const { neurons, fanIn } = layer;
  const total = run.checkpoints.length * neurons;
  if (!Array.isArray(params.points) || params.points.length === 0) throw new Error('weightTreesNode: "points" must list at least one point of the node');
  for (const p of params.points) if (!Number.isInteger(p) || p < 0 || p >= total) throw new Error(`weightTreesNode: point ${p} is outside 0..${total - 1} (${run.checkpoints.length} checkpoints x ${neurons} neurons)`);
  const maxMembers = params.maxMembers ?? 24;
  const shown = new Set(Array.from(strideSample(params.points.length, maxMembers), (i) => params.points[i]));
  const byCheckpoint = new Map<number, number[]>();
  for (const p of params.points) {
    const c = Math.floor(p / neurons);
    let list = byCheckpoint.get(c);
    if (!list) byCheckpoint.set(c, (list = []));
    list.push(p % neurons);
  }
  const mean = new Float64Array(fanIn);
  const members: NodeWeights['members'] = [];
  let done = 0;
  for (const [c, list] of [...byCheckpoint].sort((a, b) => a[0] - b[0])) {
    context.throwIfCancelled();
    const k = readLayerKernel(run.checkpoints[c].file, layer.name);
    for (const j of list) {
      const values = new Array<number>(fanIn);
      for (let i = 0; i < fanIn; i++) {
        values[i] = k.data[i * neurons + j];
        mean[i] += values[i];
      }
      const point = c * neurons + j;
      if (shown.has(point)) members.push({ point, neuron: j, step: run.steps[c], values });
    }
    context.progress(++done / byCheckpoint.size);
  }
  for (let i = 0; i < fanIn; i++) mean[i] /= params.points.length;
  return { layer: layer.name, fanIn, imageShape: fanIn === 784 ? [28, 28] : null, mean: Array.from(mean), members: members.sort((a, b) => a.point - b.point) };
}
