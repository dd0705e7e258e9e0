import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverride, buildConfig } from '../../../analysis/cli/commands/train';

test('--set overrides nested fields with JSON values; epochs and steps replace each other', () => {
  const c = buildConfig({ preset: 'quick', set: ['optimizer.lr=0.01', 'seeds.init=7', 'model.hidden=[32,16]', 'steps=50', 'init={"kind":"he-normal"}'] });
  assert.equal(c.optimizer.lr, 0.01);
  assert.equal(c.seeds.init, 7);
  assert.deepEqual(c.model.kind === 'mlp' && c.model.hidden, [32, 16]);
  assert.equal(c.steps, 50);
  assert.equal(c.epochs, undefined);
  assert.deepEqual(c.init, { kind: 'he-normal' });
  const o: Record<string, unknown> = {};
  applyOverride(o, 'dataset.dir=/data/my mnist');
  assert.deepEqual(o, { dataset: { dir: '/data/my mnist' } });
  assert.throws(() => applyOverride(o, 'novalue'), /--set novalue: expected key=value/);
  assert.throws(() => buildConfig({ preset: 'quick', set: ['batchSize=-3'] }), /preset "quick" with --set batchSize=-3: invalid training config:\n {2}batchSize/);
  assert.throws(() => buildConfig({ config: '/nonexistent/run.json', set: [] }), /\/nonexistent\/run\.json: cannot read/);
});
