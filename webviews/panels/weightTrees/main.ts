/**
 * Weight Trees panel (webview side): the Mapper graph of a layer's weight trajectories drawn as time (y =
 * mean step), a time slider with play that reveals the graph up to a step (linked to the run's selected
 * checkpoint), the capacity-vs-accuracy chart, a clicked node's mean incoming-weight image beside its
 * members' images, Mapper settings recomputed in the worker, and the learning surface (rotatable PCA(3)
 * scatter with the factors of variation). The shell owns the frame, status and exports.
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import * as d3 from 'd3';
import './style.css';
import type { LayerTree, NodeWeights, TreeNode, WeightSurface, WeightTrees, WeightTreesMapperSettings } from '../../../analysis/worker/protocol/weightTrees';
import type { PanelTarget } from '../../protocol/common';
import type { TreeColorBy, TreesView, WeightTreesHostMessage, WeightTreesState, WeightTreesViewMessage } from './protocol';
import { createShell } from '../../shared/shell';
import { el, formatNumber } from '../../shared/dom';
import { createTooltip } from '../../shared/tooltip';
import { treeGraph } from '../../charts/treeGraph';
import { capacityChart } from '../../charts/capacityChart';
import { weightImage } from '../../charts/weightImage';
import { surfaceScatter } from '../../charts/surfaceScatter';

let trees: WeightTrees | undefined;
let target: PanelTarget | undefined;
/** Layers recomputed with the view's own settings replace the defaults' graph. */
const custom = new Map<string, { tree: LayerTree; settings: WeightTreesMapperSettings }>();
let surface: WeightSurface | undefined;
/** The clicked node, by id (indices change when a live run's graph is recomputed). */
let selectedId: string | undefined;
let nodeWeights: { nodeId: string; weights: NodeWeights } | undefined;
let playTimer: number | undefined;

const graphBox = el('div', { class: 'tree-graph-box' });
const surfaceCanvas = document.createElement('canvas');
const shell = createShell<WeightTreesHostMessage, WeightTreesViewMessage, WeightTreesState>({
  title: 'Weight Trees',
  explain: 'Each point of the cloud is one neuron\'s incoming weights at one checkpoint; Mapper clusters them per lens interval and links ' +
    'clusters that share points. Drawn with time flowing down, trajectories that split show as branches (zero init: trees); with tiny random ' +
    'init they sweep a surface. Hover a node for its steps and neurons, click it for its weight images; drag the time slider or press play.',
  exports: {
    name: () => `${trees?.runName ?? 'run'}-${state().layer ?? 'layer'}-${state().view === 'surface' ? 'surface' : 'weight-tree'}`,
    svg: () => (state().view !== 'surface' && graphBox.firstElementChild instanceof SVGSVGElement ? graphBox.firstElementChild : undefined),
    png: () => (state().view === 'surface' ? surfaceCanvas : (graphBox.firstElementChild as SVGSVGElement | HTMLCanvasElement | null) ?? undefined),
    csv: () => {
      const tree = currentTree();
      return tree && {
        header: ['id', 'interval', 'size', 'step_mean', 'step_min', 'step_max', 'lens_mean', 'neurons'],
        rows: tree.nodes.map((n) => [n.id, n.interval, n.size, n.stepMean, n.stepMin, n.stepMax, n.lensMean, neuronsOf(n, tree).join(' ')]),
      };
    },
  },
  onMessage: receive,
  onThemeChange: () => render(),
});
const tooltip = createTooltip(document.body);

function state(): Partial<WeightTreesState> {
  return shell.state() ?? {};
}
function persist(patch: Partial<WeightTreesState>): void {
  const t = target ?? state().target;
  if (!t) return;
  shell.saveState({ ...state(), ...patch, target: t } as WeightTreesState);
}

// ---- controls --------------------------------------------------------------------------------------
const layerSelect = el('vscode-single-select', { id: 'layer', 'aria-label': 'Layer' }) as HTMLElement & { value: string };
const colorSelect = el('vscode-single-select', { id: 'color', 'aria-label': 'Colour nodes by' },
  el('vscode-option', { value: 'step' }, 'mean step'), el('vscode-option', { value: 'lens' }, 'lens (distance to centroid)'),
  el('vscode-option', { value: 'class' }, 'class of the neurons\' final weights')) as HTMLElement & { value: string };
const viewGroup = el('vscode-radio-group', { id: 'view', 'aria-label': 'View' },
  el('vscode-radio', { name: 'view', value: 'graph', label: 'Tree', ...(state().view !== 'surface' ? { checked: '' } : {}) }),
  el('vscode-radio', { name: 'view', value: 'surface', label: 'Surface', ...(state().view === 'surface' ? { checked: '' } : {}) }));
const slider = el('input', { id: 'time', type: 'range', min: '0', max: '0', step: '1', 'aria-label': 'Reveal the graph up to this checkpoint' }) as HTMLInputElement;
const stepLabel = el('span', { class: 'step-label' });
const playButton = el('vscode-button', { id: 'play', secondary: '', title: 'Play: grow the graph through training' }, 'Play');
shell.addControl('Layer', layerSelect);
shell.addControl('View', viewGroup);
shell.addControl('Colour', colorSelect);
shell.addControl('Up to', el('span', { class: 'scrubber' }, slider, playButton, stepLabel));

const num = (id: string, title: string, attrs: Record<string, string> = {}) => el('input', { id, type: 'number', title, class: 'num', ...attrs }) as HTMLInputElement;
const intervalsInput = num('intervals', 'Intervals of the lens range', { min: '1', step: '1' });
const overlapInput = num('overlap', 'Overlap fraction', { min: '0', step: '0.01' });
const epsInput = num('eps', 'DBSCAN radius in the PCA space', { min: '0', step: 'any' });
const minSamplesInput = num('min-samples', 'DBSCAN min_samples', { min: '1', step: '1' });
const pcaInput = num('pca', 'PCA components', { min: '1', step: '1' });
const coverSelect = el('vscode-single-select', { id: 'cover', 'aria-label': 'Cover' },
  el('vscode-option', { value: 'keplermapper-1.1' }, 'KeplerMapper 1.1'), el('vscode-option', { value: 'kepler-mapper' }, 'kepler-mapper ≥ 1.2')) as HTMLElement & { value: string };
const recompute = el('vscode-button', { id: 'recompute', title: 'Recompute this layer in the worker with these settings' }, 'Recompute');
const fitButton = el('vscode-button', { id: 'fit-eps', secondary: '', title: 'Set eps from the elbow of the k-distance curve of this run' }, 'Fit eps');
const resetButton = el('vscode-button', { id: 'reset', secondary: '', title: 'Back to the paper\'s settings for this layer' }, 'Paper defaults');
const saveGraph = el('vscode-button', { id: 'export-graph', secondary: '', title: 'Save the graph as KeplerMapper JSON' }, 'Export graph JSON');
const settingsBar = el('div', { class: 'controls tree-settings' },
  el('label', { class: 'control' }, el('span', { class: 'control-label' }, 'PCA'), pcaInput),
  el('label', { class: 'control' }, el('span', { class: 'control-label' }, 'Cover'), coverSelect),
  el('label', { class: 'control' }, el('span', { class: 'control-label' }, 'Intervals'), intervalsInput),
  el('label', { class: 'control' }, el('span', { class: 'control-label' }, 'Overlap'), overlapInput),
  el('label', { class: 'control' }, el('span', { class: 'control-label' }, 'eps'), epsInput),
  el('label', { class: 'control' }, el('span', { class: 'control-label' }, 'min samples'), minSamplesInput),
  recompute, fitButton, resetButton, saveGraph);

// ---- content ---------------------------------------------------------------------------------------
const shapeLine = el('p', { class: 'tree-shape' });
const nodePanel = el('aside', { class: 'node-panel' }, el('p', { class: 'explain' }, 'Click a node to see its mean incoming weights and its members.'));
const capacitySvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
const graphSection = el('section', { class: 'graph-view' }, shapeLine, el('div', { class: 'graph-row' }, graphBox, nodePanel),
  el('h2', {}, 'Effective capacity and accuracy'), capacitySvg,
  el('p', { class: 'explain' }, 'Clusters among the layer\'s neurons at each checkpoint (single linkage at a twentieth of the cloud\'s RMS radius); red ticks: branch events of the graph. Click to move the time slider.'));
const surfaceInfo = el('p', { class: 'surface-info' });
const factorBox = el('div', { class: 'factors' });
const surfaceSection = el('section', { class: 'surface-view' }, surfaceInfo, surfaceCanvas, el('p', { class: 'explain' }, 'PCA(3) of the layer\'s cloud coloured by step; drag to rotate. Below: weight differences between neighbouring neurons in their order along the first axis, and one neuron\'s differences between checkpoints.'), factorBox);
shell.content.append(settingsBar, graphSection, surfaceSection);

const graph = treeGraph();
const capacity = capacityChart();

function currentTree(): LayerTree | undefined {
  const name = state().layer ?? trees?.layers[0]?.layer;
  return (name && custom.get(name)?.tree) || trees?.layers.find((l) => l.layer === name) || trees?.layers[0];
}

function selectedIndex(tree: LayerTree): number | undefined {
  const i = selectedId === undefined ? -1 : tree.nodes.findIndex((n) => n.id === selectedId);
  return i >= 0 ? i : undefined;
}

/** The class most of a node's points' neurons favour (LayerTree.neuronClass), as a categorical colour. */
function classColor(node: TreeNode, tree: LayerTree): string {
  return tree.neuronClass.length === 0 ? '#888' : d3.schemeTableau10[classOf(node, tree) % 10];
}

function classOf(node: TreeNode, tree: LayerTree): number {
  const counts = new Map<number, number>();
  for (const p of node.members) counts.set(tree.neuronClass[p % tree.neurons], (counts.get(tree.neuronClass[p % tree.neurons]) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

function neuronsOf(node: TreeNode, tree: LayerTree): number[] {
  return [...new Set(node.members.map((p) => p % tree.neurons))].sort((a, b) => a - b);
}

function receive(message: WeightTreesHostMessage): void {
  switch (message.type) {
    case 'trees':
      trees = message.trees;
      target = message.target;
      for (const name of [...custom.keys()]) if (!trees.layers.some((l) => l.layer === name)) custom.delete(name);
      shell.status.clear();
      persist({ layer: state().layer ?? trees.layers[0]?.layer });
      // A live run's surface is out of date too.
      surface = undefined;
      render();
      if (state().view === 'surface') requestSurface();
      break;
    case 'layer':
      custom.set(message.layer.layer, { tree: message.layer, settings: message.settings });
      shell.status.clear();
      render();
      break;
    case 'surface':
      surface = message.surface;
      shell.status.clear();
      render();
      break;
    case 'node':
      nodeWeights = { nodeId: message.nodeId, weights: message.weights };
      renderNodePanel();
      break;
    case 'fittedEps': {
      const f = message.fitted.layers[0];
      if (f) {
        epsInput.value = String(Number(f.eps.toPrecision(3)));
        shell.status.ok(`Fitted eps for ${f.layer}: ${formatNumber(f.eps)} (k-distance elbow at ${f.elbowIndex + 1}/${f.kDistances.length}; the paper used ${f.paperEps}). Press Recompute.`);
      }
      break;
    }
    case 'linkedStep':
      if (trees && message.runDir === trees.runDir) setReveal(message.step, false);
      break;
  }
}

function render(): void {
  const tree = currentTree();
  if (!trees || !tree) return;
  const view: TreesView = state().view ?? 'graph';
  graphSection.hidden = view !== 'graph';
  surfaceSection.hidden = view !== 'surface';
  settingsBar.hidden = view !== 'graph';
  shell.subtitle.textContent = `${trees.runName} · layer ${tree.layer} · ${tree.points} points (${tree.checkpoints} checkpoints × ${tree.neurons} neurons in ℝ^${tree.fanIn}) · ${formatNumber(tree.computeMs)} ms`;
  renderControls(tree);
  if (view === 'graph') {
    renderGraph(tree);
    renderNodePanel();
  } else renderSurface();
}

function renderControls(tree: LayerTree): void {
  if (!trees) return;
  const key = `${trees.runDir}|${trees.allLayers.map((l) => l.name).join(',')}`;
  if (layerSelect.dataset.for !== key) {
    layerSelect.replaceChildren(...trees.layers.map((l) => el('vscode-option', { value: l.layer, description: `${l.neurons} neurons, fan-in ${l.fanIn}` }, `${l.layer} (${l.neurons})`)));
    layerSelect.dataset.for = key;
  }
  layerSelect.value = tree.layer;
  colorSelect.value = state().colorBy ?? 'step';
  const s = tree.settings;
  pcaInput.value = String(s.pca);
  coverSelect.value = s.cover;
  intervalsInput.value = String(s.intervals);
  overlapInput.value = String(s.overlap);
  if (document.activeElement !== epsInput) epsInput.value = String(s.eps);
  minSamplesInput.value = String(s.minSamples);
  slider.max = String(trees.steps.length - 1);
  const reveal = state().revealStep;
  const idx = reveal === undefined ? trees.steps.length - 1 : Math.max(0, d3.bisectRight(trees.steps, reveal) - 1);
  slider.value = String(idx);
  stepLabel.textContent = `step ${trees.steps[idx]} (${idx + 1}/${trees.steps.length})`;
}

function renderGraph(tree: LayerTree): void {
  const sh = tree.shape;
  const kind = sh.tree ? 'a tree' : sh.forest ? `a forest of ${sh.components} trees` : `${sh.components} component(s), ${sh.cycles} cycle(s)`;
  shapeLine.textContent = `${sh.nodes} nodes, ${sh.edges} edges: ${kind}; ${sh.leaves} leaves, ${sh.branchPoints} branch points, longest path ${sh.longestPath}; ` +
    `${tree.branchEvents.length} branch events · eps ${formatNumber(tree.settings.eps)}${tree.settings.epsFitted ? ' (fitted)' : ''}, ${tree.settings.intervals} intervals × ${tree.settings.overlap}`;
  const reveal = state().revealStep ?? Infinity;
  const steps = tree.nodes.map((n) => n.stepMean);
  const lensExtent = d3.extent(tree.nodes, (n) => n.lensMean) as [number, number];
  const byStep = d3.scaleSequential(d3.interpolateViridis).domain(d3.extent(steps) as [number, number]);
  const byLens = d3.scaleSequential(d3.interpolatePlasma).domain(lensExtent[0] === undefined ? [0, 1] : lensExtent);
  const colorBy: TreeColorBy = state().colorBy ?? 'step';
  const width = Math.max(360, (graphBox.parentElement?.clientWidth || 900) - 300);
  graph.width(width).height(Math.max(360, Math.min(900, 14 * Math.sqrt(tree.nodes.length) + 300)))
    .color((n) => (colorBy === 'lens' ? byLens((n as TreeNode).lensMean) : colorBy === 'class' ? classColor(n as TreeNode, tree) : byStep(n.stepMean)))
    .reveal(reveal).selected(selectedIndex(tree))
    .onHover((n, _i, event) => {
      if (!n) return tooltip.hide();
      const node = n as TreeNode;
      const neurons = neuronsOf(node, tree);
      tooltip.show(event, [
        `node ${node.id}`,
        `${node.size} points · steps ${node.stepMin}–${node.stepMax} (mean ${Math.round(node.stepMean)})`,
        `neurons ${neurons.slice(0, 20).join(', ')}${neurons.length > 20 ? ` … (${neurons.length})` : ''}`,
        `lens ${formatNumber(node.lensMean)}${tree.neuronClass.length ? ` · final weights favour class ${classOf(node, tree)}` : ''}`,
      ]);
    })
    .onClick((n) => {
      selectedId = (n as TreeNode).id;
      nodeWeights = undefined;
      renderNodePanel();
      shell.post({ type: 'node', layer: tree.layer, nodeId: (n as TreeNode).id, points: (n as TreeNode).members });
      renderGraph(tree);
    })(graphBox, tree.nodes, tree.links);
  capacity.width(Math.max(360, graphSection.clientWidth || 900)).events(tree.branchEvents.map((e) => e.step))
    .selected(Number.isFinite(reveal) ? reveal : undefined)
    .onPick((step) => setReveal(step, true))(d3.select(capacitySvg), tree.capacity.steps, tree.capacity.clusters, tree.capacity.accuracy);
}

function renderNodePanel(): void {
  const tree = currentTree();
  const index = tree ? selectedIndex(tree) : undefined;
  if (!tree || index === undefined) {
    nodePanel.replaceChildren(el('p', { class: 'explain' }, 'Click a node to see its mean incoming weights and its members.'));
    return;
  }
  const node = tree.nodes[index];
  const head = el('h3', {}, `${node.id}: ${node.size} points, steps ${node.stepMin}–${node.stepMax}`);
  if (!nodeWeights || nodeWeights.nodeId !== node.id) {
    nodePanel.replaceChildren(head, el('p', { class: 'explain' }, 'Reading the members\' weights…'));
    return;
  }
  const w = nodeWeights.weights;
  const range = d3.max([w.mean, ...w.members.map((m) => m.values)].flat(), (v) => Math.abs(v)) ?? 1;
  const image = (values: number[], scale: number) => weightImage().shape(w.imageShape).scale(scale).range(range)(document.createElement('canvas'), values);
  const mean = image(w.mean, 5);
  mean.classList.add('node-mean-image');
  nodePanel.replaceChildren(head, el('div', { class: 'caption' }, `mean of ${node.size} incoming weight vectors (±${formatNumber(range)})`), mean,
    el('div', { class: 'caption' }, `${w.members.length} of the members`),
    el('div', { class: 'member-images' }, ...w.members.map((m) => {
      const c = image(m.values, 2);
      c.title = `neuron ${m.neuron} at step ${m.step}`;
      return c;
    })));
}

function renderSurface(): void {
  if (!surface || surface.layer !== (state().layer ?? trees?.layers[0]?.layer)) {
    surfaceInfo.textContent = 'Computing the learning surface…';
    return;
  }
  // The order is taken at the time slider's step (the scatter itself always shows the whole run).
  const s = surface;
  const shares = s.variance.slice(0, 3).map((v) => `${(100 * v).toFixed(1)}%`).join(', ');
  surfaceInfo.textContent = `${s.layer}: variance of PCA axes 1–3 ${shares} (a surface has two dominant axes). Neurons ordered along axis 1 at step ${s.orderStep} (the time slider).`;
  const byStep = d3.scaleSequential(d3.interpolateViridis).domain([s.steps[0], s.steps[s.steps.length - 1]]);
  const colours = s.steps.map((t) => byStep(t));
  surfaceScatter().width(Math.max(360, Math.min(720, surfaceSection.clientWidth || 640))).height(420).rotation(state().rotation ?? [0.6, 0.35])
    .color((i) => colours[Math.floor(i / s.neurons)])
    .labels([`PC1 ${(100 * s.variance[0]).toFixed(0)}%`, `PC2 ${(100 * (s.variance[1] ?? 0)).toFixed(0)}%`, `PC3 ${(100 * (s.variance[2] ?? 0)).toFixed(0)}%`])
    .onRotate((rotation) => persist({ rotation }))(surfaceCanvas, s.coords, s.coords.length / 3);
  const row = (title: string, factors: WeightSurface['neighbourFactors']) => {
    const range = d3.max(factors.flatMap((f) => f.values), (v) => Math.abs(v)) ?? 1;
    return el('div', { class: 'factor-row' }, el('h3', {}, title), el('div', { class: 'member-images' }, ...factors.map((f) => {
      const c = weightImage().shape(s.imageShape).scale(2).range(range)(document.createElement('canvas'), f.values);
      c.title = f.label;
      return c;
    })));
  };
  factorBox.replaceChildren(row('Neighbouring neurons (along PC1)', s.neighbourFactors), row(`Neuron ${s.neuron} between checkpoints`, s.timeFactors));
}

/** Asks for the surface of the shown layer, its neurons ordered at the time slider's step. */
function requestSurface(): void {
  const layer = state().layer ?? trees?.layers[0]?.layer;
  if (!layer || !trees) return;
  const step = state().revealStep ?? trees.steps[trees.steps.length - 1];
  if (!surface || surface.layer !== layer || surface.orderStep !== step) shell.post({ type: 'surface', layer, step });
}

/** Moves the time slider to the checkpoint at or before `step`; `link` tells the other views of the run. */
function setReveal(step: number, link: boolean): void {
  if (!trees) return;
  const last = trees.steps[trees.steps.length - 1];
  persist({ revealStep: step >= last ? undefined : step });
  render();
  if (link) shell.post({ type: 'linkStep', runDir: trees.runDir, step });
}

function settingsFromInputs(): WeightTreesMapperSettings {
  const n = (input: HTMLInputElement) => (input.value.trim() === '' ? undefined : Number(input.value));
  return { pca: n(pcaInput), cover: coverSelect.value as WeightTreesMapperSettings['cover'], intervals: n(intervalsInput), overlap: n(overlapInput), eps: n(epsInput), minSamples: n(minSamplesInput) };
}

// ---- events ----------------------------------------------------------------------------------------
layerSelect.addEventListener('change', () => {
  selectedId = undefined;
  persist({ layer: layerSelect.value });
  render();
  if (state().view === 'surface') requestSurface();
});
colorSelect.addEventListener('change', () => { persist({ colorBy: colorSelect.value as TreeColorBy }); render(); });
viewGroup.addEventListener('change', (event) => {
  const value = (event.target as HTMLElement & { value?: string }).value;
  if (value !== 'graph' && value !== 'surface') return;
  persist({ view: value });
  render();
  if (value === 'surface') requestSurface();
});
let sliderTimer: number | undefined;
slider.addEventListener('input', () => {
  if (!trees) return;
  const step = trees.steps[Number(slider.value)];
  window.clearTimeout(sliderTimer);
  setReveal(step, false);
  sliderTimer = window.setTimeout(() => {
    if (!trees) return;
    shell.post({ type: 'linkStep', runDir: trees.runDir, step });
    if (state().view === 'surface') requestSurface();
  }, 150);
});
playButton.addEventListener('click', () => {
  if (!trees) return;
  if (playTimer !== undefined) {
    window.clearInterval(playTimer);
    playTimer = undefined;
    playButton.textContent = 'Play';
    return;
  }
  let i = Number(slider.value) >= trees.steps.length - 1 ? 0 : Number(slider.value);
  playButton.textContent = 'Pause';
  playTimer = window.setInterval(() => {
    if (!trees || i >= trees.steps.length) {
      window.clearInterval(playTimer);
      playTimer = undefined;
      playButton.textContent = 'Play';
      return;
    }
    setReveal(trees.steps[i], false);
    i += Math.max(1, Math.round(trees.steps.length / 100));
  }, 60);
});
recompute.addEventListener('click', () => {
  const tree = currentTree();
  if (!tree) return;
  const settings = settingsFromInputs();
  persist({ settings });
  shell.post({ type: 'compute', layer: tree.layer, settings });
});
fitButton.addEventListener('click', () => { const tree = currentTree(); if (tree) shell.post({ type: 'fitEps', layer: tree.layer }); });
resetButton.addEventListener('click', () => {
  const tree = currentTree();
  if (!tree) return;
  custom.delete(tree.layer);
  persist({ settings: {} });
  render();
});
saveGraph.addEventListener('click', () => {
  const tree = currentTree();
  if (tree) shell.post({ type: 'saveGraph', layer: tree.layer });
});

new ResizeObserver(() => render()).observe(shell.content);
