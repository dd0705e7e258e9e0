/** Every Rips case in ../shared/golden must be reproduced bit for bit (float64, same summation order). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ripsPersistence } from '../../../analysis/topology/rips';
import { toRipserJson } from '../../../analysis/topology/convert';
import { RIPS_CASES, goldenRipsAnswer, goldenRipsInput } from './goldenFiles';

for (const c of RIPS_CASES) {
  test(`rips golden ${c.name}: H0 and H1 equal Ripser bit for bit`, () => {
    const bars = ripsPersistence(goldenRipsInput(c.input), { maxDim: 1 });
    assert.deepStrictEqual(toRipserJson(bars, 1), goldenRipsAnswer(c.name));
  });
}
