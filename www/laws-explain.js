// The laws' sentences, read from the core's numbers only (the LawAnalysis of a B × η sweep and
// the ParallelReport of the data-parallel check), and the size of the sweep's worker pool.
// Pure: no DOM, no workers; tested in node (tests/unit/laws-explain.test.mjs).

/** Most workers of the B × η sweep. */
export const MAX_WORKERS = 16;

/**
 * Workers of the pool: `override` (the `sweep_workers` URL value) when it is a whole number
 * from 1 to MAX_WORKERS, else hardwareConcurrency − 1, at least 1.
 */
export function poolSize(hardwareConcurrency, override) {
  const o = override == null || override === '' ? NaN : Number(override);
  if (Number.isInteger(o) && o >= 1 && o <= MAX_WORKERS) return o;
  const hw = Number.isFinite(hardwareConcurrency) ? Math.floor(hardwareConcurrency) : 2;
  return Math.max(1, Math.min(MAX_WORKERS, hw - 1));
}

/**
 * The order the pool hands out the cells of a B × η plan (`{batch_sizes, lrs, seeds}`, cell k =
 * (seed s, batch b, η l) with k = (s·n_B + b)·n_η + l, the core's LawPlan::cell): the largest
 * batch first, and within it the smallest η first — the dearest cells first (a cell that never
 * reaches the target trains `max_steps` steps of B examples; a large η diverges or arrives
 * early), so the pool's last cells are short ones and no worker waits long at the end (longest
 * first, as in list scheduling). Which cell runs when changes nothing in its result.
 */
export function lawsOrder(plan) {
  const nB = plan.batch_sizes.length;
  const nL = plan.lrs.length;
  const nS = plan.seeds.length;
  const order = [];
  for (let b = nB - 1; b >= 0; b--) {
    for (let l = 0; l < nL; l++) for (let s = 0; s < nS; s++) order.push((s * nB + b) * nL + l);
  }
  return order;
}

/** Significant digits without exponent for the usual ranges; '–' for a missing number. */
export function num(v, digits = 3) {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a > 0 && a < 1e-3) return v.toExponential(1);
  return Number(v.toPrecision(digits)).toString();
}

const READING = {
  linear: 'closer to 1 than to ½: linear scaling (η ∝ B)',
  square_root: 'closer to ½ than to 1: square-root scaling (η ∝ √B)',
  flat: 'nearly flat: the best η hardly follows B',
};

/** The slope sentences: the fit over the rising part, and where the ridge stops. */
function slopeText(a, plan) {
  const r = a.lr_slope;
  const best = a.best_lr;
  if (!r || best.length < 2) return [];
  const out = [];
  const at = (b) => best.find((x) => x.batch === b);
  if (Number.isFinite(r.slope)) {
    out.push(`On log–log axes the best η rises with slope ${num(r.slope, 2)} from B = ${r.from_batch} to B = ${r.to_batch} (${r.n_points} batch sizes), ${READING[r.reading] ?? r.reading}.`);
  } else {
    out.push(`The best η does not rise: it is largest already at B = ${r.from_batch} (η = ${num(at(r.from_batch)?.lr)}).`);
  }
  const last = best[best.length - 1];
  if (r.rises_to_end) {
    out.push(`The ridge still rises at the largest batch measured, B = ${last.batch}.`);
  } else {
    const top = at(r.to_batch);
    const above = best.filter((x) => x.batch > r.to_batch);
    const capped = above.filter((x) => x.above_diverged).length;
    let s = `Above B = ${r.to_batch} it stops rising (best η ${num(top?.lr)} there, ${above.map((x) => num(x.lr)).join(', ')} at B = ${above.map((x) => x.batch).join(', ')})`;
    s += capped > 0 ? `: a flat top where the next larger η diverged at ${capped} of ${above.length} of those batch sizes, the stability limit.` : '.';
    out.push(s);
  }
  const edge = best.filter((x) => x.at_grid_edge && x.lr === plan.lrs[plan.lrs.length - 1]);
  if (edge.length) out.push(`At B = ${edge.map((x) => x.batch).join(', ')} the best η is the largest on the grid: the optimum may lie above it.`);
  return out;
}

/** The trade-off sentences: the fit, what the measured steps did, B_crit beside B_simple. */
function tradeoffText(a, regimeFactor) {
  const f = a.fit;
  const best = a.best_lr;
  if (!f || best.length < 2) return [];
  const out = [];
  const [lo, hi] = [best[0], best[best.length - 1]];
  out.push(`Measured at the best η: from B = ${lo.batch} to B = ${hi.batch} (×${num(hi.batch / lo.batch)}) the steps to the target fell from ${num(lo.steps)} to ${num(hi.steps)} (÷${num(lo.steps / hi.steps, 2)}) while the examples grew from ${num(lo.examples)} to ${num(hi.examples)} (×${num(hi.examples / lo.examples, 2)}).`);
  if (f.s_min > 0 && f.e_min > 0) {
    out.push(`Fitting (S/S_min − 1)(E/E_min − 1) = 1 to those ${f.n_points} points gives S_min ≈ ${num(f.s_min)} steps and E_min ≈ ${num(f.e_min)} examples, so B_crit = E_min/S_min ≈ ${num(f.b_crit)} (rms misfit ${num(100 * f.rms_rel, 2)} %).`);
    out.push(`In the fit, below B ≈ ${num(f.b_crit / regimeFactor)} a larger batch saves steps almost in proportion (perfect scaling), above B ≈ ${num(f.b_crit * regimeFactor)} it barely saves any (plateau), and diminishing returns lie between.`);
  } else if (f.s_min === 0) {
    out.push('The fit finds no plateau (S_min = 0): within the batch sizes measured, the steps fell as fast as B grew, so B_crit lies above them.');
  } else {
    out.push('The fit finds no scaling (E_min = 0): the steps did not fall with B, so B_crit lies below the batch sizes measured.');
  }
  if (Number.isFinite(a.b_simple) && Number.isFinite(f.b_crit) && f.b_crit > 0) {
    const ratio = f.b_crit / a.b_simple;
    const close = ratio >= 0.5 && ratio <= 2;
    const factor = ratio >= 1 ? `${num(ratio, 2)}× B_simple` : `${num(1 / ratio, 2)}× smaller than B_simple`;
    out.push(`The gradient noise scale at the target, B_simple ≈ ${num(a.b_simple)} (median over the best-η runs), against B_crit ≈ ${num(f.b_crit)}: B_crit is ${factor}, ${close ? 'within a factor of 2, as McCandlish et al. predict' : 'not within a factor of 2 of it, so here the noise scale does not predict B_crit well'}.`);
  }
  return out;
}

/**
 * The B × η map's and the trade-off's text from the core's report (`{analysis, regime_factor}`)
 * and the plan. Names the comparison (equal training loss) and the seeds behind each number.
 */
export function explainLaws(report, plan) {
  const a = report?.analysis;
  if (!a || !plan) return '';
  const out = [];
  if (a.cells_done < a.n_cells) out.push(`So far (${a.cells_done} of ${a.n_cells} runs):`);
  const seeds = plan.seeds.length === 1 ? 'one seed' : `the mean over ${plan.seeds.length} seeds`;
  out.push(`Every run trains with plain η until its full training loss reaches ${num(plan.target_loss)} (equal training loss; at most ${num(plan.max_steps)} steps); the best η per B takes the fewest steps to it (${seeds}; ties: the lower test loss).`);
  if (!a.best_lr.length) out.push('No run has reached the target yet.');
  out.push(...slopeText(a, plan));
  out.push(...tradeoffText(a, report.regime_factor ?? 4));
  if (a.n_diverged || a.n_unreached) {
    out.push(`${a.n_diverged} run${a.n_diverged === 1 ? '' : 's'} diverged (red, ×) and ${a.n_unreached} did not reach the target within ${num(plan.max_steps)} steps (grey).`);
  }
  return out.join(' ');
}

const time = (s) => (s >= 1e-3 ? `${num(s * 1e3)} ms` : s >= 1e-6 ? `${num(s * 1e6)} µs` : `${num(s * 1e9)} ns`);

/** The data-parallel check and the time model, from the core's ParallelReport. */
export function explainParallel(r) {
  if (!r) return '';
  const out = [];
  if (r.clamped) out.push(`(Lowered so that K·b fits in the ${r.n_train} training examples.)`);
  out.push(`K = ${r.devices} devices × b = ${r.per_device} examples each: every device computes the mean gradient of its own shard, an all-reduce averages the ${r.devices} gradients, and each applies the same update, so the effective batch is B = K·b = ${r.effective_batch}.`);
  out.push(`One such step from θ0 differs from one device's step on all ${r.effective_batch} examples by at most ${r.max_abs_diff.toExponential(1)} per parameter (the step itself moves a parameter by up to ${num(r.max_abs_step)}): the same update, up to f32 rounding.`);
  if (r.lr_rule === 'fixed') {
    out.push(`So η should follow a rule for B = ${r.effective_batch}, but the scenario's rule is fixed: η = ${num(r.lr)} at B = ${r.effective_batch} as at b = ${r.per_device}, so the ${r.devices} devices take steps no longer than one device's would (switch the rule to linear or sqrt under Scenario).`);
  } else {
    out.push(`So η must follow the rule for B = ${r.effective_batch}: the ${r.lr_rule} rule gives η = ${num(r.lr)} (at b = ${r.per_device} alone it would be ${num(r.lr_per_device_batch)}).`);
  }
  const c = r.config;
  const one = r.fixed_per_device[0];
  const k = r.fixed_per_device[r.fixed_per_device.length - 1];
  const split1 = r.fixed_total[0];
  const splitK = r.fixed_total[r.fixed_total.length - 1];
  if (one && k && split1 && splitK) {
    out.push(`Time model (assumed: ${num(c.flops / 1e12)} TFLOP/s per device, ${num(c.link_bytes_per_s / 1e9)} GB/s links, ${r.n_params} parameters): a step is compute ∝ b plus a ring all-reduce ∝ parameters × 2(K−1)/K.`);
    out.push(`At b = ${r.per_device}, 1 device takes ${time(one.total_s)} per step and ${r.devices} take ${time(k.total_s)} (all-reduce ${time(k.all_reduce_s)}): ${num(k.examples_per_s / one.examples_per_s, 2)}× the examples per second for ${r.devices}× the devices.`);
    const speed = split1.total_s / splitK.total_s;
    out.push(`Splitting the same B = ${r.effective_batch} over ${r.devices} devices takes the step from ${time(split1.total_s)} to ${time(splitK.total_s)} (a speed-up of ${num(speed, 2)}×, not ${r.devices}×): ${splitK.all_reduce_s > splitK.compute_s ? 'the all-reduce now takes longer than the compute, so more devices stop paying' : 'compute still dominates, so more devices still pay'}.`);
  }
  return out.join(' ');
}
