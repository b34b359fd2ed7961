// Measurements the page keeps for the e2e tests and benchmarks (read through test-api.js),
// outside the store: nothing on the page reads them.
export const telemetry = {
  frames: 0,          // redraws run by the scheduler
  drawMs: [],         // main-thread time of each redraw
  viewMs: {},         // the same per view (and 'domWrites')
  latencies: [],      // slider-to-frame latency (ms) of each slider change
  latencyParts: [],   // the same split: { toFrame, toShown } (until the run's first frame, then until shown)
  exports: [],        // export clicks: { panel, format, files }
};

/** Appends `ms` to the timings of view `name`. */
export function recordViewMs(name, ms) {
  (telemetry.viewMs[name] ??= []).push(ms);
}
