// The telemetry lists keep only their newest entries (the memory soak's fix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECENT, Recent, recordViewMs, telemetry } from '../../www/telemetry.js';

test('a Recent list keeps its newest RECENT entries, in order, and clones as a plain array', () => {
  const r = new Recent();
  for (let i = 0; i < RECENT * 3 + 7; i++) r.push(i);
  assert.equal(r.length, RECENT);
  assert.equal(r[0], RECENT * 2 + 7);
  assert.equal(r.at(-1), RECENT * 3 + 6);
  r.push(-1, -2);
  assert.deepEqual(r.slice(-3), [RECENT * 3 + 6, -1, -2]);
  assert.equal(r.length, RECENT);
  const copy = structuredClone(r);
  assert.ok(Array.isArray(copy) && !(copy instanceof Recent) && copy.length === RECENT);
});

test('every telemetry list is bounded, the per-view timings included', () => {
  for (let i = 0; i < RECENT + 50; i++) {
    telemetry.drawMs.push(i);
    telemetry.latencies.push(i);
    recordViewMs('curves', i);
  }
  assert.equal(telemetry.drawMs.length, RECENT);
  assert.equal(telemetry.latencies.length, RECENT);
  assert.equal(telemetry.viewMs.curves.length, RECENT);
});
