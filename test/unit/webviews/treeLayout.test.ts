/** The Weight Trees graph layout: y is the mean step, leaves take consecutive slots, parents sit over their children. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutTree } from '../../../webviews/charts/treeLayout';

test('a branching tree: leaves in depth-first order of their steps, inner nodes at the mean of their children', () => {
  //        0 (step 0)
  //        |
  //        1 (10)
  //       / \
  //  2 (20)  3 (30)
  //          / \
  //     4 (40)  5 (50)
  const nodes = [0, 10, 20, 30, 40, 50].map((stepMean) => ({ stepMean, size: 1 }));
  const links = [[0, 1], [1, 2], [1, 3], [3, 4], [3, 5]].map(([source, target]) => ({ source, target }));
  const l = layoutTree(nodes, links);
  assert.deepEqual(Array.from(l.y), [0, 10, 20, 30, 40, 50]);
  assert.deepEqual(Array.from(l.x), [0.75, 0.75, 0, 1.5, 1, 2]);
  assert.equal(l.slots, 3);
  assert.deepEqual(Array.from(l.component), [0, 0, 0, 0, 0, 0]);
});

test('components are laid side by side, the earliest first; a cycle still gets every node a place', () => {
  const nodes = [5, 0, 6, 1, 2].map((stepMean) => ({ stepMean, size: 1 }));
  // Component A: 1-3-4 (steps 0, 1, 2, a chain); component B: 0-2 (steps 5, 6).
  const l = layoutTree(nodes, [{ source: 1, target: 3 }, { source: 3, target: 4 }, { source: 0, target: 2 }]);
  assert.deepEqual(Array.from(l.component), [1, 0, 1, 0, 0]);
  assert.deepEqual([l.x[1], l.x[3], l.x[4]], [0, 0, 0]);
  assert.deepEqual([l.x[0], l.x[2]], [2, 2]);
  const cyc = layoutTree([0, 1, 1, 2].map((stepMean) => ({ stepMean, size: 1 })), [[0, 1], [0, 2], [1, 3], [2, 3]].map(([source, target]) => ({ source, target })));
  assert.ok(Array.from(cyc.x).every(Number.isFinite));
});
