// The lesson's sentences, from the core's numbers (pure: no DOM, tested in node): the
// comparison a budget makes (the core's facts::comparison, sent with the settings), the
// verdicts over seeds (the core's seeds::Verdict), and what an end point's gradient means for
// reading its sharpness (the core's analysis::is_stationary).

const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');

/** The name of each budget's comparison, before the core's facts arrive. */
export const COMPARISON_NAMES = { epochs: 'equal epochs', steps: 'equal steps', loss: 'equal training loss' };

/**
 * The comparison the runs shown make, as every sentence that compares runs names it: the
 * core's `facts.comparison.detail` when it is for the budget in effect, else the name alone.
 */
export function comparisonOf(state) {
  const budget = state.settings?.get?.('budget') ?? 'epochs';
  const c = state.facts?.comparison;
  if (c && c.budget === budget) return c.detail;
  return COMPARISON_NAMES[budget] ?? COMPARISON_NAMES.epochs;
}

/** The comparison's short name ("equal training loss"), for a sentence after one that gave its numbers. */
export function comparisonName(state) {
  const budget = state.settings?.get?.('budget') ?? 'epochs';
  return COMPARISON_NAMES[budget] ?? COMPARISON_NAMES.epochs;
}

/** The study of the current settings, if the seeds worker's answer is for them (`key`). */
export function studyFor(state, key) {
  const st = state.seeds;
  return st && st.key === key ? st : null;
}

const range = (seeds) => (seeds.length > 1 ? `seeds ${seeds[0]}–${seeds[seeds.length - 1]}` : `seed ${seeds[0]}`);

/**
 * "Over seeds 1–5 (equal epochs (…)): the larger batch ends sharper by λ_max in 5 of 5 seeds; …"
 * for the `claims` named, from the study `st` (null: still waiting). A claim no seed could
 * decide is said to be undecided.
 */
export function seedsText(st, claims, comparison) {
  if (!st) return 'Checking the claims on 5 seeds in the background…';
  const seedsDone = st.total ? Math.floor((st.done / st.total) * st.seeds.length) : 0;
  if (st.done < st.total && seedsDone === 0) return `Checking the claims on ${st.seeds.length} seeds in the background (${st.done} of ${st.total} runs)…`;
  const parts = claims.map((name) => {
    const v = st.verdicts.find((x) => x.claim === name);
    if (!v) return null;
    return v.of ? `${v.statement}: holds in ${v.holds} of ${v.of} seed${v.of === 1 ? '' : 's'}` : `${v.statement}: no seed could decide it`;
  }).filter(Boolean);
  const pending = st.done < st.total ? ` (${st.done} of ${st.total} runs done so far)` : '';
  return `Over ${range(st.seeds)} at ${comparison}${pending}: ${parts.join('; ')}.`;
}

/** Whether a claim holds in more than half of the seeds that decide it (null: undecided). */
export function mostly(st, name) {
  const v = st?.verdicts.find((x) => x.claim === name);
  if (!v || !v.of) return null;
  return 2 * v.holds > v.of;
}

/**
 * The generalization sentence a scene may say: the gap only when most seeds show it; else
 * plainly that these toy data show none at this comparison.
 */
export function gapText(st, comparison) {
  const v = st?.verdicts.find((x) => x.claim === 'worse_large');
  if (!v || !v.of || st.done < st.total) return '';
  if (2 * v.holds > v.of) return `The larger batch generalizes worse in ${v.holds} of ${v.of} seeds at ${comparison}.`;
  return `At ${comparison} these toy data show no large-batch generalization gap: the larger batch has the lower test accuracy in only ${v.holds} of ${v.of} seeds.`;
}

/** One row per (seed, batch size) for the per-seed table. */
export function seedRows(st) {
  return (st?.cells ?? []).map((c) => [
    String(c.seed), String(c.batch_size),
    c.reached_target === false ? `${c.steps} (target not reached)` : c.diverged ? `${c.steps} (diverged)` : String(c.steps),
    fmt(c.lambda_max, 2), fmt(c.grad_norm, 4), fmt(c.phi, 4), fmt(c.phi_first_order, 4),
    fmt(c.final_train_loss, 3), `${fmt(100 * c.final_test_acc, 1)} %`,
  ]);
}

/**
 * What an end point's gradient means for its sharpness: when the core calls it not
 * stationary, the ε-sharpness is mostly the leftover gradient (its first-order share), and
 * λ_max is the measure of local curvature to read.
 */
export function stationarityText(runs) {
  const moving = runs.filter(({ a }) => a.stationary === false && Number.isFinite(a.first_order_share));
  if (!moving.length) {
    return runs.length && runs.every(({ a }) => a.stationary) ? 'Every end point is stationary by the core\'s rule (the first-order part is at most half of its ε-sharpness), so ε-sharpness and λ_max both describe curvature here.' : '';
  }
  const list = moving.map(({ f, a }) => `B = ${f.batch} (gradient norm ${fmt(a.grad_norm, 4)}; ${fmt(100 * a.first_order_share, 0)} % of its ε-sharpness is the first-order term)`);
  return `Not stationary: ${list.join(', ')}. There ε-sharpness mostly measures the gradient, not curvature: read λ_max for the local curvature.`;
}

/** The rescale result's sentence (Dinh et al. 2017). */
export function rescaleText(r) {
  if (!r) return '';
  if (r.error) return r.error;
  const c = r.comparison;
  if (!c) return '';
  const ratio = c.after.lambda_max / c.before.lambda_max;
  const diff = c.max_prediction_diff === 0 ? 'exactly 0 (α is a power of two, so the scaling is exact in floating point)' : `${c.max_prediction_diff.toExponential(1)} (f32 rounding)`;
  return `α = ${c.alpha}: the largest prediction difference over the training inputs is ${diff}, so the network computes the same function; `
    + `yet λ_max went from ${fmt(c.before.lambda_max, 2)} to ${fmt(c.after.lambda_max, 2)} (${fmt(ratio, 2)}×), the trace from ${fmt(c.before.hessian_trace, 1)} to ${fmt(c.after.hessian_trace, 1)} `
    + `and ε-sharpness (10⁻³) from ${fmt(c.before.eps_sharpness, 4)} % to ${fmt(c.after.eps_sharpness, 4)} %. Sharpness is not a property of the function (Dinh et al. 2017).`;
}
