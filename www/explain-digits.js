// The digits view's sentences, read from the core's image reports (confusion matrices and the
// most confused pairs, `images::ImageReport`): which digits each run confuses, and how the
// smallest and the largest batch size compare. Pure: no DOM, tested in node.

import { comparisonOf } from './lesson-text.js';

const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '—');

/** A report's test accuracy: correct over all test images (unpredicted ones count as wrong). */
export function reportAccuracy(r) {
  if (!r || !r.n) return NaN;
  return (r.n - r.errors - r.unpredicted) / r.n;
}

/**
 * "4 → 9 (3×), 8 → 1 (2×)": the report's most confused pairs (true → predicted), only those
 * confused more than once (a single error is no pattern).
 */
export function confusedPairs(r) {
  return (r?.confused ?? []).filter((c) => c.count > 1).map((c) => `${c.actual} → ${c.predicted} (${c.count}×)`).join(', ');
}

/** The finished runs with an image report, in slot order: `[{ slot, f, r }]`. */
export function reported(state) {
  return state.batches.flatMap((b, slot) => {
    const f = state.runs[slot];
    return b !== undefined && f && f.state !== 'running' && f.images ? [{ slot, f, r: f.images }] : [];
  });
}

/** The sentence under the confusion matrices and the digit grid. */
export function explainDigits(state) {
  const runs = reported(state);
  if (!runs.length) return 'Training: the matrices and the grid follow each run as it learns.';
  const parts = runs.map(({ f, r }) => {
    if (f.state === 'diverged') return `B = ${f.batch} diverged: it predicts nothing.`;
    const pairs = confusedPairs(r);
    return `B = ${f.batch}: ${r.errors} of ${r.n} test digits wrong (test accuracy ${pct(reportAccuracy(r))})` +
      (pairs ? `, most often ${pairs}.` : r.errors ? ', no two digits confused more than once.' : '.');
  });
  const ok = runs.filter(({ f }) => f.state === 'finished');
  if (ok.length > 1) {
    const bySize = [...ok].sort((a, b) => a.f.batch - b.f.batch);
    const small = bySize[0];
    const large = bySize[bySize.length - 1];
    const at = comparisonOf(state);
    const d = large.r.errors - small.r.errors;
    const verdict = d > 0
      ? `the largest batch (B = ${large.f.batch}) made ${d} more errors than the smallest (B = ${small.f.batch})`
      : d < 0
        ? `the largest batch (B = ${large.f.batch}) made ${-d} fewer errors than the smallest (B = ${small.f.batch}) — not the textbook effect`
        : `B = ${small.f.batch} and B = ${large.f.batch} made the same number of errors`;
    const shared = sharedPairs(small.r, large.r);
    parts.push(`At ${at}, ${verdict}` +
      (shared.length ? `; both often confuse ${shared.join(', ')}.` : '.') +
      ' One seed: the digits scene checks its claims over 5 seeds.');
  }
  return parts.join(' ');
}

/** The true → predicted pairs among both reports' most confused. */
export function sharedPairs(a, b) {
  const key = (c) => `${c.actual} → ${c.predicted}`;
  const often = (r) => (r?.confused ?? []).filter((c) => c.count > 1);
  const inB = new Set(often(b).map(key));
  return often(a).map(key).filter((k) => inB.has(k));
}
