// Measurements the page keeps for the e2e tests and benchmarks (read through test-api.js),
// outside the store: nothing on the page reads them.
//
// Each list keeps only its newest RECENT entries (the memory soak, tests/soak.test.mjs: unbounded,
// they were most of the page heap's growth, 2.1 → 2.8 MB over 3 000 slider changes).

/** Entries kept per list. */
export const RECENT = 500;

/** An array that keeps only its newest RECENT entries (`push` drops the oldest). Structured
 * clones of it (test-api.js) and its slices are plain arrays. */
export class Recent extends Array {
  // slice, map, filter… give plain arrays.
  static get [Symbol.species]() { return Array; }

  push(...values) {
    super.push(...values);
    if (this.length > RECENT) this.splice(0, this.length - RECENT);
    return this.length;
  }
}

export const telemetry = {
  frames: 0,               // redraws run by the scheduler
  drawMs: new Recent(),    // main-thread time of each redraw
  viewMs: {},              // the same per view (and 'domWrites')
  latencies: new Recent(), // slider-to-frame latency (ms) of each slider change
  latencyParts: new Recent(), // the same split: { toFrame, toShown } (until the run's first frame, then until shown)
  exports: new Recent(),   // export clicks: { panel, format, files }
};

/** Appends `ms` to the timings of view `name`. */
export function recordViewMs(name, ms) {
  (telemetry.viewMs[name] ??= new Recent()).push(ms);
}
