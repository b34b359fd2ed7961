// The diagnosis warm-up (issue 14, analysis-worker.js: AtlasSession.warm_up while the first runs
// train, so that V8 has optimized the diagnosis code before the first diagnosis) must change
// nothing but speed: a diagnosis after it gives the very bits it gives without it. Runs the
// built compute module (dist/pkg, `make build`) in Node, no browser.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST_DIR } from './lib/harness.mjs';
import { setTrajectory } from '../www/atlas-trajectory.js';

const { initSync, AtlasSession } = await import(path.join(DIST_DIR, 'pkg', 'batchscape.js'));
initSync({ module: fs.readFileSync(path.join(DIST_DIR, 'pkg', 'batchscape_bg.wasm')) });

// The default network, 2 → 16 → 16 → 1: 2·16 + 16 + 16·16 + 16 + 16 + 1 parameters.
const N_PARAMS = 337;

/** Three snapshots of a made-up trajectory (deterministic), at steps 0, 10 and 20. */
function trajectory() {
  const flat = new Float32Array(3 * N_PARAMS);
  let x = 12345;
  for (let k = 0; k < flat.length; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    flat[k] = ((x >>> 8) / 2 ** 24 - 0.5) * (1 + Math.floor(k / N_PARAMS));
  }
  return { flat, steps: Float64Array.from([0, 10, 20]) };
}

function diagnosis(warm) {
  const atlas = new AtlasSession([], []);
  try {
    if (warm) atlas.warm_up();
    const { flat, steps } = trajectory();
    assert.equal(setTrajectory(atlas, 0, flat, steps), steps.length);
    return atlas.diagnose(0);
  } finally {
    atlas.free();
  }
}

test('a diagnosis after the warm-up gives the same bits as without it', () => {
  const cold = diagnosis(false);
  assert.ok(cold, 'the default network has N_PARAMS parameters (else no snapshot was read)');
  assert.ok(Number.isFinite(cold.lambda_max) && cold.lambda_max > 0, `λ_max ${cold.lambda_max}`);
  assert.equal(cold.history.lambda_max.length, 3);
  assert.deepEqual(diagnosis(true), cold);
});
