// A run's trajectory into an analysis session (crate/web AtlasSession), one snapshot per call.
// A call copies its argument into the wasm memory, so one call with the whole trajectory
// allocated a temporary buffer of a new size on every frame, and the fragmented memory grew
// (issue 14, tests/soak.test.mjs); one snapshot per call keeps that buffer one size.

/**
 * Sets `slot`'s trajectory of `atlas`: `flat` holds its snapshots one after another, each of
 * `atlas.n_params()` values (a trailing partial snapshot is ignored), `steps` their steps.
 * @param {{ n_params(): number, set_trajectory(slot: number, n: number, steps: Float64Array): void,
 *   set_snapshot(slot: number, k: number, theta: Float32Array): void }} atlas
 * @param {number} slot
 * @param {Float32Array} flat
 * @param {Float64Array} steps
 * @returns {number} the number of snapshots set
 */
export function setTrajectory(atlas, slot, flat, steps) {
  const p = atlas.n_params();
  const n = p ? Math.floor(flat.length / p) : 0;
  atlas.set_trajectory(slot, n, steps);
  for (let k = 0; k < n; k++) atlas.set_snapshot(slot, k, flat.subarray(k * p, (k + 1) * p));
  return n;
}
