// www/atlas-trajectory.js: a trajectory goes into the analysis session one snapshot per call,
// each call a view of exactly one snapshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTrajectory } from '../../www/atlas-trajectory.js';

function recorder(nParams) {
  const calls = [];
  return {
    calls,
    n_params: () => nParams,
    set_trajectory: (slot, n, steps) => calls.push(['trajectory', slot, n, Array.from(steps)]),
    set_snapshot: (slot, k, theta) => calls.push(['snapshot', slot, k, Array.from(theta)]),
  };
}

test('each snapshot is set in its own call, after the trajectory\'s length and steps', () => {
  const atlas = recorder(3);
  const flat = Float32Array.from([1, 2, 3, 4, 5, 6, 7]);
  assert.equal(setTrajectory(atlas, 2, flat, Float64Array.from([0, 10])), 2);
  assert.deepEqual(atlas.calls, [
    ['trajectory', 2, 2, [0, 10]],
    ['snapshot', 2, 0, [1, 2, 3]],
    ['snapshot', 2, 1, [4, 5, 6]],
  ]);
});

test('an empty trajectory, or a session with no parameters, sets no snapshot', () => {
  const empty = recorder(3);
  assert.equal(setTrajectory(empty, 0, new Float32Array(0), new Float64Array(0)), 0);
  assert.deepEqual(empty.calls, [['trajectory', 0, 0, []]]);
  const none = recorder(0);
  assert.equal(setTrajectory(none, 1, Float32Array.from([1, 2]), new Float64Array(0)), 0);
  assert.deepEqual(none.calls, [['trajectory', 1, 0, []]]);
});
