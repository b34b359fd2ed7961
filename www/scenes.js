// Guided scenes: each a full state (settings as URL pairs) and a short text, plus a verdict
// that reads the current numbers and says whether this seed shows the effect.
import { showLr } from './explain.js';

const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const last = (a) => (a && a.length ? a[a.length - 1] : NaN);

/** Finished runs of the page state, sorted by batch size. */
function runsOf(state) {
  return state.batches.flatMap((b, slot) => {
    const f = state.runs[slot];
    return b !== undefined && f && f.state !== 'running' ? [{ slot, f, a: state.diag[slot]?.gen === state.gens[slot] ? state.diag[slot].analysis : null }] : [];
  }).sort((x, y) => x.f.batch - y.f.batch);
}

/** Roughness of a loss curve: mean |Δ log loss| between consecutive records. */
function roughness(ys) {
  let s = 0;
  for (let k = 1; k < ys.length; k++) s += Math.abs(Math.log(ys[k]) - Math.log(ys[k - 1]));
  return s / Math.max(1, ys.length - 1);
}

export const SCENES = {
  noisy: {
    title: 'Noisy SGD: B = 1 against the full batch',
    text: 'B = 1 updates after every single example: 256 cheap, noisy steps per epoch. The full batch averages all 256 examples into one accurate step per epoch. Watch the jagged path and loss curve of B = 1 against the smooth ones of the full batch, and compare how far each got after the same number of epochs.',
    pairs: { batch: '1,256', lr: '0.05', epochs: '20' },
    verdict(state) {
      const runs = runsOf(state);
      if (runs.length < 2) return '';
      const [s, l] = [runs[0], runs[runs.length - 1]];
      return `Measured: the loss curve of B = ${s.f.batch} is ${fmt(roughness(s.f.trainLoss) / Math.max(1e-12, roughness(l.f.trainLoss)), 1)}× as jagged as that of B = ${l.f.batch}; after the same epochs B = ${s.f.batch} reached training loss ${fmt(last(s.f.trainLoss))} in ${s.f.steps} steps, B = ${l.f.batch} ${fmt(last(l.f.trainLoss))} in ${l.f.steps}.`;
    },
  },
  scaling: {
    title: 'Linear scaling rule: a larger batch needs a larger learning rate',
    text: 'Three batch sizes share the same number of epochs, so B = 256 takes 16× fewer steps than B = 16. The linear rule (η = η₀·B/B₀) makes each step of B = 256 16× longer so it can keep up; switch the rule to "fixed" and compare, and push η₀ up to see which run becomes unstable first. Whether the best η really grows in proportion to B is measured, not assumed, by the B × η map in the sweep view (Run B × η sweep): it finds the best η at every batch size and reads the slope of that ridge.',
    pairs: { batch: '16,64,256', lr: '0.1', lr_rule: 'linear', base_batch: '16', epochs: '30' },
    verdict(state) {
      const runs = runsOf(state);
      if (runs.length < 2) return '';
      const rule = state.settings.get?.('lr_rule');
      const parts = runs.map(({ f }) => `B = ${f.batch} (η = ${showLr(f.lr)}) ${f.state === 'diverged' ? 'diverged' : `ended at ${fmt(last(f.trainLoss))}`}`);
      return `Measured with the ${rule} rule: ${parts.join('; ')}.`;
    },
  },
  sharp: {
    title: 'Sharp vs flat minima (Keskar et al. 2017)',
    text: 'With 20 % of the training labels flipped, a network can memorize noise. Both runs use plain SGD with the same η for the same 200 epochs. Keskar et al. found that large batches converge to sharp minima (large λ_max, high ε-sharpness) that generalize worse, while small-batch noise keeps SGD in flat regions. Compare the slices, the sharpness table and the test accuracy below. Then switch the learning-rate rule to "linear": with η scaled up for the large batch, its minimum is no longer the sharper one here — much of the effect comes from the step size and the number of updates (Hoffer et al. 2017), not from the batch size alone.',
    pairs: { batch: '8,256', lr: '0.1', label_noise: '0.2', hidden: '32,32', epochs: '200', seed: '4' },
    verdict(state) {
      const runs = runsOf(state).filter((r) => r.a && Number.isFinite(r.a.lambda_max));
      if (runs.length < 2) return 'Waiting for the sharpness of both runs…';
      const [s, l] = [runs[0], runs[runs.length - 1]];
      // With flipped training labels the test set (clean) is the judge: test accuracy, and the
      // accuracy gap train − test (memorized noise shows as high train, low test accuracy).
      const pct = (x) => 100 * x;
      const sharper = l.a.lambda_max > s.a.lambda_max;
      const worse = last(l.f.testAcc) < last(s.f.testAcc);
      const gap = (f) => pct(last(f.trainAcc) - last(f.testAcc));
      const facts = `λ_max ${fmt(l.a.lambda_max, 2)} (B = ${l.f.batch}) vs ${fmt(s.a.lambda_max, 2)} (B = ${s.f.batch}); test accuracy ${fmt(pct(last(l.f.testAcc)), 1)} % vs ${fmt(pct(last(s.f.testAcc)), 1)} %; accuracy gap (train on noisy labels − test) ${fmt(gap(l.f), 1)} vs ${fmt(gap(s.f), 1)} points.`;
      if (sharper && worse) return `This seed reproduces the result: the large batch ended in a sharper minimum and generalizes worse. ${facts}`;
      return `This seed does not reproduce it (${sharper ? 'sharper' : 'not sharper'}, ${worse ? 'lower' : 'not lower'} test accuracy): ${facts} The effect is a tendency over many seeds, not a law; try another seed.`;
    },
  },
  eos: {
    title: 'Edge of stability (Cohen et al. 2021)',
    text: 'Full-batch gradient descent with step η can only be stable where the sharpness λ_max is below 2/η. Training first sharpens the loss (λ_max rises) until it reaches 2/η, and then hovers there while the loss keeps falling, non-monotonically. Watch λ_max against the dashed 2/η line in the dynamics view; change η and the plateau moves with it.',
    pairs: { batch: '256', lr: '0.5', budget: 'steps', steps: '3000' },
    verdict(state) {
      const runs = runsOf(state).filter((r) => r.a?.history?.lambda_max?.length);
      if (!runs.length) return 'Waiting for λ_max along training…';
      const { f, a } = runs[runs.length - 1];
      const lams = a.history.lambda_max.filter(Number.isFinite);
      const limit = 2 / f.lr;
      const late = lams.slice(Math.floor(lams.length / 2));
      const peak = Math.max(...late);
      return `Measured: λ_max went from ${fmt(lams[0], 2)} to ${fmt(last(lams), 2)} (late-training maximum ${fmt(peak, 2)}); 2/η = ${fmt(limit, 2)}. ${peak >= 0.8 * limit ? (peak <= 1.2 * limit ? 'It reached the edge of stability and stayed near it.' : 'It went beyond 2/η: the run is unstable.') : 'It stayed below 2/η in this budget: raise η or the steps to reach the edge.'}`;
    },
  },
  critical: {
    title: 'Critical batch size (McCandlish et al. 2018)',
    text: 'McCandlish et al. predict that, at the best learning rate for each batch size, the steps to a target loss follow S = S_min(1 + B_crit/B): well below B_crit a larger batch saves steps almost in proportion, well above it barely any, and B_crit is close to the gradient noise scale B_simple. These three runs do not test that: they share one step budget and take η from the square-root rule, not the best η per B. The dynamics view shows B_simple during training beside each run\'s B, and the cost table the steps and examples each run needed to the same loss. The trade-off chart in the sweep view (Run B × η sweep) finds the best η per B, fits the relation and sets B_crit beside B_simple.',
    pairs: { n_train: '1024', batch: '8,128,1024', lr: '0.1', lr_rule: 'sqrt', base_batch: '16', budget: 'steps', steps: '1000' },
    verdict(state) {
      const runs = runsOf(state).filter((r) => r.a && Number.isFinite(r.a.b_simple));
      if (!runs.length) return 'Waiting for the noise scale…';
      const bs = runs.map((r) => r.a.b_simple);
      const mid = bs.sort((x, y) => x - y)[bs.length >> 1];
      const below = runs.filter((r) => r.f.batch < mid).map((r) => r.f.batch);
      const above = runs.filter((r) => r.f.batch >= mid).map((r) => r.f.batch);
      return `Measured: B_simple at the end of training ≈ ${fmt(mid, 0)} (median over runs). Below it: B = ${below.join(', ') || 'none'}; at or above it: B = ${above.join(', ') || 'none'}. The cost table gives each run\'s steps and examples to the common target; how much a larger B saved there is under the square-root rule, not at each B\'s best η.`;
    },
  },
  // BEGIN laws: the parallel scene
  parallel: {
    title: 'Many devices: data parallelism',
    text: 'Training on K devices, each with its own b examples, averages their K gradients (an all-reduce) before the update: that is one step with batch B = K·b. So adding devices is raising the batch size, with all its laws: the learning rate must follow the rule for K·b, and past the critical batch size more devices buy few steps. Here B = 32 (one device) runs beside B = 256 (8 devices × 32) under the linear rule. The data-parallelism control in the sweep view checks the update against one large batch and prints the time model.',
    pairs: { batch: '32,256', lr: '0.1', lr_rule: 'linear', base_batch: '32', budget: 'loss', target_loss: '0.1', max_steps: '20000' },
    verdict(state) {
      const runs = runsOf(state);
      if (runs.length < 2) return '';
      const [s, l] = [runs[0], runs[runs.length - 1]];
      const outcome = ({ f }) => (f.state === 'diverged' ? 'diverged' : `took ${f.steps} steps (${f.steps * f.batch} examples), training loss ${fmt(last(f.trainLoss))}`);
      return `Measured to the same training loss: B = ${s.f.batch} (η = ${showLr(s.f.lr)}) ${outcome(s)}; B = ${l.f.batch} (η = ${showLr(l.f.lr)}) ${outcome(l)}.${l.f.state !== 'diverged' && s.f.state !== 'diverged' && l.f.steps > 0 ? ` ${l.f.batch / s.f.batch}× the batch took ${fmt(s.f.steps / l.f.steps, 1)}× fewer steps.` : ''}`;
    },
  },
  // END laws
};
