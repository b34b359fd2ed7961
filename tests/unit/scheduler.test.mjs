// The redraw scheduler (www/scheduler.js) without a browser: animation frames are queued by
// hand, time is the real clock (the throttle's 600 ms for a slow view is far longer than a test
// step takes).
import { test } from 'node:test';
import assert from 'node:assert/strict';

const frames = [];
globalThis.requestAnimationFrame = (fn) => frames.push(fn);
const runFrames = () => { while (frames.length) frames.shift()(); };
const { createScheduler, MIN_REDRAW_MS, SLOW_FACTOR } = await import('../../www/scheduler.js');

function setup(streaming) {
  const drawn = [];
  const scheduler = createScheduler({ streaming: () => streaming.now });
  scheduler.register('curves', () => drawn.push('curves'));
  scheduler.register('boundaries', () => drawn.push('boundaries'), { slow: true });
  return { scheduler, drawn };
}

test('while runs stream, a view just redrawn waits for its throttle', () => {
  const streaming = { now: true };
  const { scheduler, drawn } = setup(streaming);
  scheduler.mark();
  runFrames();
  assert.deepEqual(drawn, ['curves', 'boundaries']);
  scheduler.mark('boundaries');
  runFrames();
  // Redrawn at most every SLOW_FACTOR × MIN_REDRAW_MS: still waiting, and the page knows it.
  assert.ok(SLOW_FACTOR * MIN_REDRAW_MS >= 300);
  assert.deepEqual(drawn, ['curves', 'boundaries']);
  assert.equal(scheduler.dirty, true);
});

test('once every run has stopped, the final picture is drawn at once', () => {
  const streaming = { now: true };
  const { scheduler, drawn } = setup(streaming);
  scheduler.mark();
  runFrames();
  scheduler.mark('boundaries');
  runFrames();
  assert.deepEqual(drawn, ['curves', 'boundaries']);
  // The last run stops: its final frame marks the views again.
  streaming.now = false;
  scheduler.mark('boundaries');
  runFrames();
  assert.deepEqual(drawn, ['curves', 'boundaries', 'boundaries']);
  assert.equal(scheduler.dirty, false);
});
