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
    text: 'Three batch sizes share the same number of epochs, so B = 256 takes 16× fewer steps than B = 16. With the linear rule (η = η₀·B/B₀) each step of B = 256 is 16× longer and it keeps up. Switch the learning-rate rule to "fixed" in the scenario settings: the large batch then crawls. Push η₀ up and the scaled large batch is the first to become unstable.',
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
    text: 'Below the gradient noise scale B_noise, doubling B nearly halves the steps needed (perfect scaling); far above it, a larger batch mostly wastes examples. The dynamics view shows B_simple during training with each run\'s B; the cost table shows steps and examples to the same loss. All runs get the same number of steps here, with the learning rate scaled by the square-root rule.',
    pairs: { n_train: '1024', batch: '8,128,1024', lr: '0.1', lr_rule: 'sqrt', base_batch: '16', budget: 'steps', steps: '1000' },
    verdict(state) {
      const runs = runsOf(state).filter((r) => r.a && Number.isFinite(r.a.b_simple));
      if (!runs.length) return 'Waiting for the noise scale…';
      const bs = runs.map((r) => r.a.b_simple);
      const mid = bs.sort((x, y) => x - y)[bs.length >> 1];
      const below = runs.filter((r) => r.f.batch < mid).map((r) => r.f.batch);
      const above = runs.filter((r) => r.f.batch >= mid).map((r) => r.f.batch);
      return `Measured: B_simple at the end of training ≈ ${fmt(mid, 0)} (median over runs). Below it: B = ${below.join(', ') || 'none'}; at or above it: B = ${above.join(', ') || 'none'}. See the cost table for steps and examples to the common target.`;
    },
  },
  // BEGIN digits
  digits: {
    title: 'Real data: handwritten digits at three batch sizes',
    text: 'The 8×8 handwritten digits (1 797 real images, 10 classes; UCI, CC BY 4.0): 1 024 for training, 512 held out. Three batch sizes train for the same 20 epochs with the same learning rate, so B = 512 takes 64× fewer steps than B = 8. The confusion matrices show which digits each run mixes up, the grid shows test digits with each run\'s answer. Then switch the learning-rate rule to "sqrt" (base batch 8) and compare again: does the large batch still lag, and is its train − test gap larger, or did it only fit less?',
    pairs: { dataset: 'digits', n_train: '1024', n_test: '512', hidden: '32', lr: '0.1', epochs: '20', batch: '8,64,512' },
    verdict(state) {
      const runs = runsOf(state).filter((r) => r.f.state === 'finished' && r.f.testAcc.length);
      if (runs.length < 2) return 'Waiting for two finished runs…';
      const [s, l] = [runs[0], runs[runs.length - 1]];
      const pct = (x) => 100 * x;
      const gap = (f) => pct(last(f.trainAcc) - last(f.testAcc));
      const rule = state.settings.get?.('lr_rule') ?? 'fixed';
      const facts = runs.map(({ f }) => `B = ${f.batch} (η = ${showLr(f.lr)}, ${f.steps} steps): test accuracy ${fmt(pct(last(f.testAcc)), 1)} %, train − test gap ${fmt(gap(f), 1)} points`).join('; ');
      const jagged = roughness(s.f.trainLoss) / Math.max(1e-12, roughness(l.f.trainLoss));
      const lost = pct(last(s.f.testAcc) - last(l.f.testAcc));
      let reading;
      if (lost > 1) {
        reading = gap(l.f) > gap(s.f) + 1
          ? `The large batch is ${fmt(lost, 1)} points less accurate on held-out digits and its gap is larger: it generalizes worse, not only fits less.`
          : `The large batch is ${fmt(lost, 1)} points less accurate on held-out digits, but its gap is not larger: it fit the training digits less in its fewer steps — underfitting, not the textbook generalization gap.`;
      } else {
        reading = `The large batch is within 1 point of the small one on held-out digits (${lost >= 0 ? 'lower' : 'higher'} by ${fmt(Math.abs(lost), 1)}).`;
      }
      return `Measured after the same epochs, ${rule} learning-rate rule: ${facts}. ${reading} The loss curve of B = ${s.f.batch} is ${fmt(jagged, 1)}× as jagged as that of B = ${l.f.batch}. One seed: the sweep view repeats runs over seeds.`;
    },
  },
  // END digits
};
