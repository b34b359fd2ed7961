// W1 in wasm under Node's V8 (the engine of Chromium), timed by CPU time: an A/B of built
// dist/ directories that the other processes on a shared machine barely disturb, where the
// browser's wall-clock numbers swing by ±30 %. Native instruction counts (callgrind) are no
// proxy for the wasm: several changes that cut them made V8 slower (see ARCHITECTURE.md, Speed).
//
//   node crate/core/benches/w1_wasm_cpu.mjs dist /tmp/dist-other …
//
// Prints, per directory, the fingerprint and the best of 7 rounds (rounds alternate between the
// directories): examples/s at B = 1, 32, 512 and the 51×51 landscape's milliseconds, both from
// process.cpuUsage (user + system) around the single wasm call.
import fs from 'node:fs';
import path from 'node:path';

const dirs = process.argv.slice(2).map((d) => path.resolve(d));
if (dirs.length === 0) dirs.push(path.resolve('dist'));
const reps = 7;
const runs = [];
for (const d of dirs) {
  const m = await import(`${d}/pkg/batchscape_bench.js`);
  m.initSync({ module: fs.readFileSync(`${d}/pkg/batchscape_bench_bg.wasm`) });
  runs.push({ d, bench: new m.W1Bench(), best: { 1: 0, 32: 0, 512: 0, land: Infinity } });
}
const cpuMs = (f) => {
  const t = process.cpuUsage();
  f();
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1000;
};
for (let k = 0; k < reps; k++) {
  for (const r of runs) {
    for (const [batch, steps] of [[1, 20000], [32, 2000], [512, 200]]) {
      r.bench.reset(batch);
      const ms = cpuMs(() => r.bench.train(steps));
      r.best[batch] = Math.max(r.best[batch], (batch * steps) / ms / 1000);
    }
    r.best.land = Math.min(r.best.land, cpuMs(() => r.bench.landscape(51)));
  }
}
for (const { d, bench, best } of runs) {
  console.log(`${d}: fingerprint ${bench.fingerprint()}; B=1 ${best[1].toFixed(2)} M, B=32 ${best[32].toFixed(2)} M, `
    + `B=512 ${best[512].toFixed(2)} M examples/s; landscape 51x51 ${best.land.toFixed(1)} ms (CPU time, best of ${reps})`);
}
