#!/usr/bin/env node
// The default page's work after navigation, step by step, in the compute module under Node's
// V8 (the engine of Chromium), timed by CPU time (process.cpuUsage), so that other processes on
// the machine barely change it (issue 14, "a complete picture in one second": what the
// browser's wall-clock milestones are made of). One fresh module per process, as in a fresh
// page: the first call of each kind of work runs in V8's baseline tier.
//
//   node scripts/page-work.mjs [dist] [--query=batch=16,256] [--no-warm-up]
//
// Prints: the session (settings, data), each run's training (as the run worker: advance in
// steps of 2), the fine landscape of the runs' end points (the analysis worker's plan + fill),
// the diagnosis warm-up (analysis-worker.js), then each run's diagnosis and slice, and the
// same landscape and diagnoses once more (the code optimized by then).
import fs from 'node:fs';
import path from 'node:path';
import { setTrajectory } from '../www/atlas-trajectory.js';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const dir = path.resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'dist');
const warm = !process.argv.includes('--no-warm-up');
const m = await import(`${dir}/pkg/batchscape.js`);
m.initSync({ module: fs.readFileSync(`${dir}/pkg/batchscape_bg.wasm`) });

const pairs = (arg('query') ?? '').split(',').filter(Boolean).map((kv) => kv.split('='));
const keys = pairs.map((p) => p[0]);
const values = pairs.map((p) => p[1]);
const cpu = (f) => {
  const t = process.cpuUsage();
  const value = f();
  const u = process.cpuUsage(t);
  return { ms: (u.user + u.system) / 1000, value };
};
const line = (what, ms) => console.log(`${ms.toFixed(1).padStart(8)} ms  ${what}`);

const s = cpu(() => new m.Session(keys, values));
const session = s.value;
line('run session (settings, data)', s.ms);
const settings = Object.fromEntries(session.settings());
const batches = String(settings.batch).split(',').map(Number);
const a = cpu(() => new m.AtlasSession(keys, values));
const atlas = a.value;
line('analysis session', a.ms);
const grid = Number(settings.grid);
let trained = 0;
batches.forEach((b, slot) => {
  const r = cpu(() => {
    session.start(slot, b);
    let code = 0;
    let steps = 0;
    do { code = session.advance(slot, 2); steps += 2; } while (code === 0);
    return steps;
  });
  trained += r.ms;
  line(`run ${slot} (B = ${b}): ${r.value} steps trained`, r.ms);
  setTrajectory(atlas, slot, session.snapshots(slot), Float64Array.from(session.history(slot, 'step')));
});
if (warm) line('diagnosis warm-up (AtlasSession.warm_up)', cpu(() => atlas.warm_up()).ms);
for (const round of ['first', 'again']) {
  const l = cpu(() => { atlas.plan(settings.plane ?? 'endpoints', grid); let done = false; while (!done) done = atlas.fill(1); return atlas.landscape(); });
  line(`landscape ${grid}×${grid} (${round})`, l.ms);
  batches.forEach((b, slot) => {
    const d = cpu(() => { atlas.diagnose(slot); atlas.slice(slot); });
    line(`diagnosis + slice of run ${slot} (${round})`, d.ms);
  });
}
