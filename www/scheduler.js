// The redraw scheduler: views marked stale are redrawn at the next animation frame, each at
// most every MIN_REDRAW_MS while runs stream (slow views four times less often; everything
// four times slower under prefers-reduced-motion), within a FRAME_BUDGET_MS budget per frame
// (views left over wait for the next frame). DOM text written by views (views/dom.js `later`)
// is flushed once all views of a frame are prepared, so a frame costs at most one layout.
//
//   const scheduler = createScheduler({ isUrgent, streaming, flush, onError, reducedMotion })
//   scheduler.register(name, draw, { slow })   views are redrawn in registration order
//   scheduler.mark(...names)                   stale (all views if none is named); redraw soon
//   scheduler.drawNow()                        redraw the due stale views now (urgent frame)
//   scheduler.dirty                            a view waits to be redrawn
import { recordViewMs, telemetry } from './telemetry.js';

// Views prepare their data and hand the charts to the draw worker (painter.js), which keeps
// each redraw short; still, views left over when this budget is spent wait for the next
// animation frame, so no single task blocks the page for long.
export const FRAME_BUDGET_MS = 12;
// While runs stream frames, a view is redrawn at most this often (the last frame always is).
export const MIN_REDRAW_MS = 150;
// Views that change slowly while runs train (four decision maps, the cost table) are redrawn
// less often: fewer canvases and tables to lay out, paint and hand to the compositor per second.
export const SLOW_FACTOR = 4;
export const REDUCED_MOTION_FACTOR = 4;

/**
 * `isUrgent()`: the first frame of a run the user just restarted waits for no throttle;
 * `streaming()`: runs are still sending frames (the throttle applies only then: once every run
 * has stopped, a view's final picture is drawn at once, not up to 4 × MIN_REDRAW_MS later);
 * `flush()`: writes the batched DOM text; `onError(err)`: a view's redraw threw.
 */
export function createScheduler({
  isUrgent = () => false, streaming = () => true, flush = () => {}, onError = () => {}, reducedMotion = false,
} = {}) {
  const views = new Map();        // name → { draw, minMs }
  const stale = new Set();
  const lastDrawn = {};           // view → time of its last redraw
  let rafPending = false;
  const minMs = MIN_REDRAW_MS * (reducedMotion ? REDUCED_MOTION_FACTOR : 1);

  function register(name, draw, { slow = false } = {}) {
    views.set(name, { draw, minMs: slow ? SLOW_FACTOR * minMs : minMs });
  }

  /** The animation-frame entry point. */
  function frame() {
    rafPending = false;
    drawNow();
  }

  function requestDraw() {
    if (rafPending) return;
    rafPending = true;
    requestAnimationFrame(frame);
  }

  /** Redraws the stale views that are due (called directly for an urgent frame). */
  function drawNow() {
    const t0 = performance.now();
    let waitMs = 0;
    for (const [name, view] of views) {
      if (!stale.has(name)) continue;
      if (performance.now() - t0 > FRAME_BUDGET_MS) break;
      const since = t0 - (lastDrawn[name] ?? -Infinity);
      // The first frame of a run the user just restarted is drawn at once (slider-to-frame
      // latency); the curves view consumes it, so the views after it wait their turn.
      if (since < view.minMs && !isUrgent() && streaming()) {
        // Wake up when the first waiting view is due.
        const due = view.minMs - since;
        waitMs = waitMs > 0 ? Math.min(waitMs, due) : due;
        continue;
      }
      stale.delete(name);
      lastDrawn[name] = performance.now();
      const v0 = performance.now();
      try {
        view.draw();
      } catch (err) {
        onError(err);
      }
      recordViewMs(name, performance.now() - v0);
    }
    const w0 = performance.now();
    flush();
    recordViewMs('domWrites', performance.now() - w0);
    telemetry.drawMs.push(performance.now() - t0);
    telemetry.frames += 1;
    if (stale.size > 0) {
      if (waitMs > 0) setTimeout(requestDraw, waitMs);
      else requestDraw();
    }
  }

  function mark(...names) {
    for (const v of names.length ? names : views.keys()) stale.add(v);
    requestDraw();
  }

  return {
    register, mark, drawNow,
    get dirty() { return stale.size > 0 || rafPending; },
  };
}
