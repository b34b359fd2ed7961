// Explanations generated from the measured numbers (never canned claims a seed could
// contradict). Each function reads the page state and returns plain text.

import { formatBytes, showLr } from './format.js';
import { comparisonOf, stationarityText } from './lesson-text.js';

export { formatBytes, showLr };

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
      // Each run's η is its own under the linear and square-root rules: say which η it had.
      const eta = worst.lr === best.lr ? 'with the same η' : `with η = ${showLr(worst.lr)} (B = ${best.batch}: η = ${showLr(best.lr)})`;
      parts.push(`B = ${worst.batch} ended at ${fmt(last(worst.trainLoss))} after ${worst.steps} steps ${eta}, compared at ${comparisonOf(state)}.`);
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
  const { n, alpha: [a0, a1], beta: [b0, b1], values, paths } = atlas.chart;
  const at = (a, b) => {
    const i = Math.round(((a - a0) / (a1 - a0)) * (n - 1));
    const j = Math.round(((b - b0) / (b1 - b0)) * (n - 1));
    return values[j * n + i];
  };
  const min = Math.min(...values.filter(Number.isFinite));
  const parts = [`Lowest loss on this plane: ${fmt(min)}.`];
  for (const { run: slot, points } of paths) {
    if (points.length && state.batches[slot] !== undefined && state.runs[slot]) {
      parts.push(`B = ${state.runs[slot].batch} ends where the map shows ${fmt(at(points.at(-2), points.at(-1)))}.`);
    }
  }
  if (atlas.plane === 'random') parts.push('Random directions are nearly orthogonal to the paths, so the paths barely move on this plane.');
  else parts.push('The map is exact on the plane; points of a path between its ends lie off the plane and are shown by their projection.');
  return parts.join(' ');
}

/** Reads the decision maps: how much of the plane each run assigns to class 1, and accuracies. */
export function explainBoundaries(state) {
  const runs = finished(state).filter(({ f }) => f.state === 'finished');
  if (!runs.length) return 'Training: the maps follow each run as it learns.';
  if (runs.every(({ f }) => f.boundary?.dim === 1)) {
    // Regression: each run's fitted curve; its losses, and the lowest test loss.
    const parts = runs.map(({ f }) => `B = ${f.batch}: training loss ${fmt(last(f.trainLoss))}, test loss ${fmt(last(f.testLoss))}.`);
    if (runs.length > 1) {
      const best = [...runs].sort((a, b) => last(a.f.testLoss) - last(b.f.testLoss))[0].f;
      parts.push(`Compared at ${comparisonOf(state)}, the curve of B = ${best.batch} fits the held-out points best (lowest test loss, this seed).`);
    }
    return parts.join(' ');
  }
  const parts = runs.map(({ f }) => {
    const acc = `B = ${f.batch}: train accuracy ${fmt(100 * last(f.trainAcc), 1)} %, test ${fmt(100 * last(f.testAcc), 1)} %, `;
    const values = f.boundary.values;
    if (f.boundary.classes > 2) {
      // Multiclass maps hold class + confidence: the share of the plane given to each class.
      const shares = Array.from({ length: f.boundary.classes }, (_, c) => values.filter((v) => Math.floor(v) === c).length / values.length);
      return acc + `the plane split ${shares.map((x, c) => `${fmt(100 * x, 0)} % class ${c}`).join(', ')}.`;
    }
    const share = values.filter((p) => p >= 0.5).length / values.length;
    return acc + `${fmt(100 * share, 0)} % of the plane called class 1.`;
  });
  if (runs.length > 1) {
    const best = [...runs].sort((a, b) => last(b.f.testAcc) - last(a.f.testAcc))[0].f;
    parts.push(`Compared at ${comparisonOf(state)}, the boundary of B = ${best.batch} generalizes best on held-out points (this seed).`);
  }
  return parts.join(' ');
}

/**
 * The cost table: one row per shown run, its measured time per step and the core's numbers
 * (memory per step in the run's frame; steps and examples to the common target from the
 * analysis worker's `facts::cost_table`, whose target is 1.01 × the highest of the finished
 * runs' best training losses). Steps are NaN until the run finished and reached the target.
 */
export function costRows(state) {
  const runs = state.batches.flatMap((b, slot) => (b !== undefined && state.runs[slot] ? [{ slot, f: state.runs[slot] }] : []));
  const core = new Map((state.cost?.rows ?? []).map((r) => [r.slot, r]));
  const rows = runs.map(({ slot, f }) => {
    const c = core.get(slot);
    const steps = f.state === 'finished' && c?.batch === f.batch && Number.isFinite(c.steps) ? c.steps : NaN;
    return {
      slot, batch: f.batch, lr: f.lr, msPerStep: f.msPerStep,
      examplesPerSecond: (1000 * f.batch) / f.msPerStep,
      memory: f.memory,
      steps, examples: steps * f.batch,
    };
  });
  return { target: state.cost?.target ?? NaN, rows };
}

/** Reads the cost table. */
export function explainCost({ target, rows }) {
  const ok = rows.filter((r) => Number.isFinite(r.steps));
  if (ok.length < 1) return 'Training: costs appear when runs finish.';
  const parts = [`Target: training loss ${fmt(target)}.`];
  const bySteps = [...ok].sort((a, b) => a.steps - b.steps);
  const byExamples = [...ok].sort((a, b) => a.examples - b.examples);
  if (ok.length > 1) {
    const [f, l] = [bySteps[0], bySteps[bySteps.length - 1]];
    parts.push(`Fewest steps: B = ${f.batch} (${f.steps}, vs ${l.steps} for B = ${l.batch}).`);
    parts.push(`Fewest examples: B = ${byExamples[0].batch} (${byExamples[0].examples}).`);
    parts.push('Larger batches take fewer steps but see more examples to get there: up to a point (the critical batch size) doubling B nearly halves the steps; beyond it, it mostly wastes examples.');
  } else {
    parts.push(`B = ${ok[0].batch} needed ${ok[0].steps} steps (${ok[0].examples} examples).`);
  }
  parts.push('For scale: a ResNet-50 keeps roughly 0.1 GB of activations per 224×224 image in 32-bit floats, about 25 GB at B = 256 — why large batches are spread over several accelerators.');
  return parts.join(' ');
}

/**
 * Compares the sharpest and the flattest run (by λ_max) with their generalization; says
 * plainly when the numbers do not follow the usual story.
 */
export function explainSharpness(state, runs) {
  const ok = runs.filter(({ f, a }) => f.state === 'finished' && Number.isFinite(a.lambda_max));
  if (!ok.length) return 'Sharpness appears when a run has finished.';
  const parts = [];
  if (ok.length === 1) {
    const { f, a } = ok[0];
    parts.push(`B = ${f.batch} ended with λ_max = ${fmt(a.lambda_max, 2)} and a generalization gap of ${fmt(last(f.testLoss) - last(f.trainLoss))}.`);
  } else {
    const byB = [...ok].sort((x, y) => x.f.batch - y.f.batch);
    const small = byB[0];
    const large = byB[byB.length - 1];
    const ratio = large.a.lambda_max / small.a.lambda_max;
    const accDiff = 100 * (last(small.f.testAcc) - last(large.f.testAcc));
    const gapS = last(small.f.testLoss) - last(small.f.trainLoss);
    const gapL = last(large.f.testLoss) - last(large.f.trainLoss);
    const sharper = ratio >= 1;
    parts.push(`B = ${large.f.batch} ended ${fmt(sharper ? ratio : 1 / ratio, 1)}× ${sharper ? 'sharper' : 'flatter'} (λ_max ${fmt(large.a.lambda_max, 2)} vs ${fmt(small.a.lambda_max, 2)}) than B = ${small.f.batch};`);
    if (Number.isFinite(accDiff)) {
      parts.push(`its test accuracy is ${fmt(Math.abs(accDiff), 1)} points ${accDiff >= 0 ? 'lower' : 'higher'} and its generalization gap ${fmt(gapL)} vs ${fmt(gapS)}.`);
    } else {
      parts.push(`its generalization gap is ${fmt(gapL)} vs ${fmt(gapS)}.`);
    }
    // λ_max looks along the single steepest direction; ε-sharpness (and the slices) probe a
    // neighbourhood. When they rank the two minima differently, say so beside the numbers.
    const eps = (r) => r.a.eps_sharpness?.find((x) => x.eps === 1e-3)?.phi;
    const [es, el] = [eps(small), eps(large)];
    const disagree = Number.isFinite(es) && Number.isFinite(el) && es !== el && (el > es) !== sharper;
    if (disagree) {
      parts.push(`By ε-sharpness (10⁻³) it is the other way round: ${fmt(el, 3)} % for B = ${large.f.batch} vs ${fmt(es, 3)} % for B = ${small.f.batch}, as the slices suggest; λ_max measures the one steepest direction, ε-sharpness the worst nearby point, and here they disagree.`);
    }
    const usual = sharper && accDiff > 0;
    parts.push(usual
      ? `On this seed, at ${comparisonOf(state)}, the larger batch found the sharper minimum${disagree ? ' by λ_max' : ''} and has the lower test accuracy, the pattern Keskar et al. (2017) report; one seed decides nothing (the scenes check their claims on 5 seeds).`
      : `On this seed, at ${comparisonOf(state)}, the usual pattern (larger batch → sharper minimum, lower test accuracy) does not show.`);
    // Comparing minima is fair only if both runs converged: say so when one clearly did not.
    const [ls, ll] = [last(small.f.trainLoss), last(large.f.trainLoss)];
    if (ll > 1.5 * ls && ll - ls > 0.05) {
      parts.push(`Caution: B = ${large.f.batch} has not converged (training loss ${fmt(ll)} vs ${fmt(ls)}), so part of its gap is underfitting; give it more epochs or scale η.`);
    }
  }
  const still = stationarityText(ok);
  if (still) parts.push(still);
  parts.push('Sharpness is a correlate of generalization, not a law: reparametrizing a network can make a flat minimum sharp without changing what it computes (Dinh et al. 2017).');
  return parts.join(' ');
}

/** Reads λ_max against 2/η and B_simple against B at the end of each run. */
export function explainDynamics(runs, nTrain) {
  const parts = [];
  for (const { f, a } of runs) {
    const lam = last(a.history.lambda_max);
    const bs = last(a.history.b_simple);
    const limit = 2 / f.lr;
    const where = lam > 1.1 * limit ? 'above' : lam > 0.8 * limit ? 'near' : 'below';
    parts.push(Number.isFinite(lam)
      ? `B = ${f.batch}: λ_max ends at ${fmt(lam, 2)}, ${where} the stability limit 2/η = ${fmt(limit, 2)}${where === 'near' ? ' (the edge of stability)' : ''};`
      : `B = ${f.batch}: λ_max could not be measured;`);
    if (Number.isFinite(bs)) {
      const advice = f.batch >= nTrain ? `B = ${f.batch} is already the whole training set`
        : f.batch < bs ? 'a larger batch would still cut the steps needed almost proportionally'
          : 'a larger batch mostly spends more examples per step for little gain';
      parts.push(`the noise scale B_simple ends at ${fmt(bs, 0)}, so B = ${f.batch} is ${f.batch < bs ? 'below' : 'above'} it: ${advice}.`);
    }
  }
  return parts.join(' ');
}
