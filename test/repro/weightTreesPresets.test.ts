/**
 * SPEC A's finding on the fast Gabella presets, trained for real (wasm backend, about a minute of training
 * in all on 2 free cores) and analysed with the paper's Mapper defaults:
 * - zero init + symmetry breaking: the first layer's graph is a forest with more than one leaf, it
 *   branches, and the effective capacity grows from 1 cluster to many;
 * - zero init without symmetry breaking: every hidden neuron stays in one cluster (capacity 1 throughout);
 * - tiny random init: the graph is connected or nearly so (one component holds almost every clustered
 *   point) and the first two PCA axes carry most of the first-layer cloud's variance (the surface).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainRun } from '../../analysis/training/train';
import { getPreset } from '../../analysis/training/presets';
import { parseTrainConfig } from '../../analysis/spec/trainConfig';
import { computeWeightTrees } from '../../analysis/analyses/weightTrees/analyses';
import { analyzeGraph } from '../../analysis/topology/mapper/graphAnalysis';
import type { LayerTree } from '../../analysis/worker/protocol/weightTrees';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-trees-presets-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

async function train(presetId: string, override: Record<string, unknown> = {}): Promise<string> {
  const base = getPreset(presetId).config;
  const config = parseTrainConfig({ ...base, ...override }, `preset ${presetId}`);
  const result = await trainRun({ config, runsRoot: root, name: presetId, backend: 'wasm', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
  assert.equal(result.status, 'completed', result.error?.message);
  return result.runDir;
}

/** Share of the clustered points (memberships) in the largest component of the graph. */
function largestComponentShare(tree: LayerTree): number {
  const shape = analyzeGraph(tree.nodes.length, tree.links);
  const points = new Map<number, number>();
  shape.componentOf.forEach((c, i) => points.set(c, (points.get(c) ?? 0) + tree.nodes[i].size));
  const all = [...points.values()];
  return Math.max(...all) / all.reduce((a, b) => a + b, 0);
}

test('gabella-zero-fast: the first layer grows a branching forest and its capacity grows', async () => {
  const run = await train('gabella-zero-fast');
  const [dense1] = computeWeightTrees({ runDirs: [run], layers: ['dense1'] }).layers;
  assert.ok(dense1.shape.forest, `forest: ${JSON.stringify(dense1.shape)}`);
  assert.ok(dense1.shape.leaves > 1 && dense1.shape.branchPoints > 0 && dense1.branchEvents.length > 0, JSON.stringify(dense1.shape));
  const c = dense1.capacity.clusters;
  assert.equal(c[0], 1, 'all neurons start together');
  assert.ok(c[c.length - 1] >= 10, `capacity at the end: ${c[c.length - 1]}`);
  assert.ok((dense1.capacity.accuracy[c.length - 1] ?? 0) > 0.5, 'the net left the 10% plateau');
});

test('zero init without symmetry breaking keeps every hidden neuron in one cluster', async () => {
  const run = await train('gabella-zero-fast', { init: { kind: 'zeros', symmetryBreaking: 0 }, epochs: 20 });
  const result = computeWeightTrees({ runDirs: [run], layers: ['dense1', 'dense2'] });
  for (const layer of result.layers) assert.ok(layer.capacity.clusters.every((k) => k === 1), `${layer.layer}: ${layer.capacity.clusters.join(',')}`);
});

test('gabella-tiny-fast: a nearly connected graph and a first-layer cloud dominated by two PCA axes', async () => {
  const run = await train('gabella-tiny-fast');
  const [dense1] = computeWeightTrees({ runDirs: [run], layers: ['dense1'] }).layers;
  assert.ok(largestComponentShare(dense1) >= 0.95, `largest component share ${largestComponentShare(dense1)}`);
  assert.ok(dense1.pcaVariance[0] + dense1.pcaVariance[1] > 0.5, `PCA shares ${dense1.pcaVariance.slice(0, 3).join(', ')}`);
});
