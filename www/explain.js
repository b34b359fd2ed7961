// Explanations generated from the measured numbers (never canned claims a seed could
// contradict). Each function reads the page state and returns plain text.

const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const last = (a) => (a && a.length ? a[a.length - 1] : NaN);

function finished(state) {
  return state.batches.flatMap((b, slot) => {
    const f = state.runs[slot];
    return b !== undefined && f && f.state !== 'running' ? [{ slot, f }] : [];
  });
}

/** Compares the runs' final losses: who fit the training set best, who generalized best. */
export function explainCurves(state) {
  const runs = finished(state);
  const diverged = runs.filter(({ f }) => f.state === 'diverged');
  const ok = runs.filter(({ f }) => f.state === 'finished');
  const parts = [];
  if (ok.length) {
    const byTrain = [...ok].sort((a, b) => last(a.f.trainLoss) - last(b.f.trainLoss));
    const byTest = [...ok].sort((a, b) => last(a.f.testLoss) - last(b.f.testLoss));
    const best = byTrain[0].f;
    parts.push(`Lowest training loss: B = ${best.batch} (${fmt(last(best.trainLoss))} after ${best.steps} steps).`);
    if (ok.length > 1) {
      const worst = byTrain[byTrain.length - 1].f;
      parts.push(`B = ${worst.batch} ended at ${fmt(last(worst.trainLoss))} after ${worst.steps} steps with the same η and the same number of epochs.`);
      const t = byTest[0].f;
      parts.push(`Lowest test loss: B = ${t.batch} (${fmt(last(t.testLoss))}; test accuracy ${fmt(100 * last(t.testAcc), 1)} %).`);
    } else {
      parts.push(`Test loss ${fmt(last(best.testLoss))}, gap ${fmt(last(best.testLoss) - last(best.trainLoss))}; test accuracy ${fmt(100 * last(best.testAcc), 1)} %.`);
    }
  }
  for (const { f } of diverged) parts.push(`B = ${f.batch} ${f.divergence}.`);
  return parts.join(' ') || 'Training…';
}

/** Where the runs ended on the map, read from the grid. */
export function explainLandscape(state, atlas) {
  if (!atlas.fine) return 'Training: the map follows the runs on a coarse grid; the fine grid comes when all runs have finished.';
  const [n, a0, a1, b0, b1] = atlas.extent;
  const at = (a, b) => {
    const i = Math.round(((a - a0) / (a1 - a0)) * (n - 1));
    const j = Math.round(((b - b0) / (b1 - b0)) * (n - 1));
    return atlas.values[j * n + i];
  };
  const min = Math.min(...atlas.values.filter(Number.isFinite));
  const parts = [`Lowest loss on this plane: ${fmt(min)}.`];
  let offset = 0;
  atlas.lengths.forEach((len, slot) => {
    if (len && state.batches[slot] !== undefined && state.runs[slot]) {
      const a = atlas.paths[(offset + len - 1) * 2];
      const b = atlas.paths[(offset + len - 1) * 2 + 1];
      parts.push(`B = ${state.runs[slot].batch} ends where the map shows ${fmt(at(a, b))}.`);
    }
    offset += len;
  });
  if (atlas.plane === 'random') parts.push('Random directions are nearly orthogonal to the paths, so the paths barely move on this plane.');
  else parts.push('The map is exact on the plane; points of a path between its ends lie off the plane and are shown by their projection.');
  return parts.join(' ');
}

/** Reads the decision maps: how much of the plane each run assigns to class 1, and accuracies. */
export function explainBoundaries(state) {
  const runs = finished(state).filter(({ f }) => f.state === 'finished');
  if (!runs.length) return 'Training: the maps follow each run as it learns.';
  const parts = runs.map(({ f }) => {
    const share = f.boundary.filter((p) => p >= 0.5).length / f.boundary.length;
    return `B = ${f.batch}: train accuracy ${fmt(100 * last(f.trainAcc), 1)} %, test ${fmt(100 * last(f.testAcc), 1)} %, ` +
      `${fmt(100 * share, 0)} % of the plane called class 1.`;
  });
  if (runs.length > 1) {
    const best = [...runs].sort((a, b) => last(b.f.testAcc) - last(a.f.testAcc))[0].f;
    parts.push(`The boundary of B = ${best.batch} generalizes best on held-out points.`);
  }
  return parts.join(' ');
}
