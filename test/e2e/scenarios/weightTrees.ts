/**
 * Weight Trees (issue 9): "Train & Analyze" with the fast zero-init Gabella preset opens the Weight Trees
 * panel; the graph has nodes and links; hovering a node shows its tooltip; clicking it shows the node's mean
 * weight image; moving the time slider back shows fewer nodes; PNG export writes the graph.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTraining, type Journey } from '../journey';
import { exportPng } from '../exportPng';
import { waitUntil } from '../workbench';

const PRESET = 'gabella-zero-fast';
const TITLE = /^\s*Weight Trees/;

export async function weightTreesScenario(j: Journey): Promise<void> {
  const { wb, tree, clock, env } = j;
  const facts: Record<string, unknown> = {};
  j.facts.weightTrees = facts;
  const view = () => wb.webview();
  const nodes = () => view().locator('.tree-graph-box svg circle.node');

  await clock.step(`trees: train "${PRESET}" -> the Weight Trees panel draws the graph`, async () => {
    for (const run of await tree.runs()) await tree.collapse(run);
    await startTraining(wb, PRESET);
    await waitUntil(async () => {
      const row = (await tree.runsNamed(PRESET))[0];
      return row && /^completed\b/.test(row.description) ? true : undefined;
    }, Math.max(env.trainTimeoutS, 600) * 1000, () => `the "${PRESET}" run never completed`);
    await wb.editorTab(TITLE).click();
    const drawn = await waitUntil(async () => {
      const n = await nodes().count().catch(() => 0);
      const links = await view().locator('.tree-graph-box svg g.links line').count().catch(() => 0);
      const loading = /\bloading\b/.test((await view().locator('.status').first().getAttribute('class', { timeout: 1_000 }).catch(() => null)) ?? '');
      return n > 1 && links > 0 && !loading ? { nodes: n, links } : undefined;
    }, 180_000, () => 'the Weight Trees panel never drew a graph with nodes and links');
    facts.graph = drawn;
    clock.log(`weight trees: ${drawn.nodes} nodes, ${drawn.links} links`);
    await j.screenshot('weight-trees.png', wb.webviewElement());
  });

  await clock.step('trees: hover a node (tooltip), click it (its weight image)', async () => {
    const node = nodes().nth(Math.floor((await nodes().count()) / 2));
    await node.hover();
    const tooltip = view().locator('#tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    const text = ((await tooltip.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    clock.log(`tree node tooltip: "${text}"`);
    assert.match(text, /\d/, `the node tooltip "${text}" shows no numbers`);
    facts.tooltip = text;
    await node.click();
    await view().locator('.node-panel canvas').first().waitFor({ timeout: 60_000 }).catch((e: unknown) => {
      throw new Error('clicking a node showed no weight image in the node panel', { cause: e });
    });
    await j.screenshot('weight-trees-node.png', wb.webviewElement());
  });

  await clock.step('trees: move the time slider back -> fewer nodes', async () => {
    const all = await nodes().count();
    await view().locator('#time').focus();
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('PageDown');
    await wb.page.keyboard.press('Home');
    const fewer = await waitUntil(async () => {
      const n = await nodes().count();
      return n < all ? n : undefined;
    }, 30_000, () => `the graph still shows ${all} nodes after moving the time slider to the start`);
    facts.nodesAtStart = fewer;
    clock.log(`time slider at the start: ${fewer} of ${all} nodes`);
    await wb.page.keyboard.press('End');
  });

  await clock.step('trees: export PNG through the save dialog', async () => {
    facts.png = await exportPng(wb, /-weight-tree\.png$/, path.join(env.out, 'exported-weight-tree.png'));
  });
}
