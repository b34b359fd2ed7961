// Guided scenes: each a full state (settings as URL pairs) and a short text, plus a verdict
// that reads the current numbers and says whether this seed shows the effect. Each scene's
// title, settings pairs and claims are data in scenes.json, which the command-line tool reads
// too (`batchscape scene NAME`, crate/cli/src/scene.rs); the texts and verdicts are here.
import DATA from './scenes.json' with { type: 'json' };
import { costRows, showLr } from './explain.js';
import { formatBytes, formatNumber } from './format.js';
import {
  comparisonName, comparisonOf, gapText, mostly, rescaleText, seedsText,
} from './lesson-text.js';

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

/** The sharp-vs-flat steps' verdict: this seed's numbers (no claim), then the claims over seeds. */
function sharpVerdict(state, claims) {
  const runs = runsOf(state).filter((r) => r.a && Number.isFinite(r.a.lambda_max));
  const cmp = comparisonOf(state);
  const name = comparisonName(state);
  const over = `${seedsText(state.seeds, claims, name)} ${gapText(state.seeds, name)}`.trim();
  if (runs.length < 2) return `Waiting for the sharpness of both runs… ${over}`;
  const [s, l] = [runs[0], runs[runs.length - 1]];
  const pct = (x) => fmt(100 * x, 1);
  return `This seed (${state.settings.get?.('seed') ?? '?'}), at ${cmp}: λ_max ${fmt(l.a.lambda_max, 2)} (B = ${l.f.batch}) vs ${fmt(s.a.lambda_max, 2)} (B = ${s.f.batch}); `
    + `training loss ${fmt(last(l.f.trainLoss))} vs ${fmt(last(s.f.trainLoss))} after ${l.f.steps} vs ${s.f.steps} steps; test accuracy ${pct(last(l.f.testAcc))} % vs ${pct(last(s.f.testAcc))} %. ${over}`;
}

/** The JS-only parts of each scene (its text and verdict), by the names of scenes.json. */
const PARTS = {
  noisy: {
    text: 'B = 1 updates after every single example: 256 cheap, noisy steps per epoch. The full batch averages all 256 examples into one accurate step per epoch. Watch the jagged path and loss curve of B = 1 against the smooth ones of the full batch, and compare how far each got after the same number of epochs.',
    verdict(state) {
      const runs = runsOf(state);
      if (runs.length < 2) return '';
      const [s, l] = [runs[0], runs[runs.length - 1]];
      return `Measured at ${comparisonOf(state)}: the loss curve of B = ${s.f.batch} is ${fmt(roughness(s.f.trainLoss) / Math.max(1e-12, roughness(l.f.trainLoss)), 1)}× as jagged as that of B = ${l.f.batch}; B = ${s.f.batch} reached training loss ${fmt(last(s.f.trainLoss))} in ${s.f.steps} steps, B = ${l.f.batch} ${fmt(last(l.f.trainLoss))} in ${l.f.steps}. ${seedsText(state.seeds, this.claims, comparisonName(state))}`;
    },
  },
  scaling: {
    text: 'Three batch sizes share the same number of epochs, so B = 256 takes 16× fewer steps than B = 16. The linear rule (η = η₀·B/B₀) makes each step of B = 256 16× longer so it can keep up; switch the rule to "fixed" and compare, and push η₀ up to see which run becomes unstable first. Whether the best η really grows in proportion to B is measured, not assumed, by the B × η map in the sweep view (Run B × η sweep): it finds the best η at every batch size and reads the slope of that ridge.',
    verdict(state) {
      const runs = runsOf(state);
      if (runs.length < 2) return '';
      const rule = state.settings.get?.('lr_rule');
      const parts = runs.map(({ f }) => `B = ${f.batch} (η = ${showLr(f.lr)}) ${f.state === 'diverged' ? 'diverged' : `ended at ${fmt(last(f.trainLoss))}`}`);
      return `Measured with the ${rule} rule: ${parts.join('; ')}.`;
    },
  },
  // The sharp-vs-flat lesson in three steps (chapter 4): the classic picture at equal epochs,
  // what survives at equal training loss, and where small-batch noise does help. Each verdict
  // is the core's, over 5 seeds (seeds.rs), beside the numbers of the seed shown.
  sharp_epochs: {
    text: 'With 20 % of the training labels flipped, both runs use plain SGD with the same η for the same 200 epochs. Keskar et al. (2017) found that large batches end in sharp minima (large λ_max) that generalize worse. Here B = 256 takes 200 steps against 6 400 for B = 8: it has not trained as far, so its lower test accuracy is partly plain underfitting, and the comparison misleads. Look at the training losses in the table, then go to step 2.',
    verdict(state) {
      return sharpVerdict(state, this.claims);
    },
  },
  sharp_loss: {
    text: 'The same two runs, now each trained until its full training loss is 0.5 (checked every epoch): B = 256 gets the updates it needs. Hoffer et al. (2017) showed that much of the large-batch gap is too few updates. What survives is read below over 5 seeds: does the large batch still end in the sharper minimum by λ_max? Its test accuracy is read as measured, seed by seed. ε-sharpness at the small batch\'s end point is mostly its leftover gradient (see the flat-vs-sharp table), and by Dinh et al. (2017) sharpness can be changed without changing the function (the last state, with a ReLU network).',
    verdict(state) {
      return sharpVerdict(state, this.claims);
    },
  },
  sharp_noise: {
    text: 'We searched with the seeds command of the command-line tool (8 settings: moons, circles, spiral, XOR; 0–30 % flipped labels; widths 32 and 64; 5 seeds each, at equal training loss). The clearest case is clean two moons (no flipped labels), both runs trained to training loss 0.15: there B = 8 had the higher test accuracy on 4 of 5 seeds (one tie), by 0.4–1.6 points. No setting we tried showed a large effect. Shallue et al. (2019) warn that such gaps often vanish once η is tuned for each batch size; here η is the same for both, so read this as a small effect of noise at one η, not a law.',
    verdict(state) {
      return sharpVerdict(state, this.claims);
    },
  },
  // After the three steps: Dinh et al.'s point, on a ReLU network (the rescale control needs
  // relu(αz) = α·relu(z)); the verdict adds the core's rescale comparison once α is moved.
  sharp_rescale: {
    text: 'The runs of step 2 with ReLU units instead of tanh, each trained to training loss 0.5. In a ReLU network, multiplying one layer\'s weights and biases by α and the next layer\'s weights by 1/α leaves every prediction unchanged, yet λ_max, the trace and ε-sharpness change, as much as you like. Drag α under the flat-vs-sharp table: the same function gets another sharpness. A sharper minimum is therefore not by itself a worse one; the measures compare end points of one training recipe, not functions.',
    verdict(state) {
      const r = state.rescale;
      const moved = r && r.gen === state.gens?.[r.slot] ? rescaleText(r) : '';
      return `${sharpVerdict(state, this.claims)} ${moved ? `Rescaled run B = ${state.runs[r.slot]?.batch}: ${moved}` : 'Drag α under the flat-vs-sharp table to rescale the first run.'}`;
    },
  },
  // BEGIN cost (layout, issue 16): chapter 2's state; the verdict reads the cost table.
  cost: {
    text: 'Three batch sizes train for the same number of epochs, so they see the same examples. The cost table shows what each step cost in this browser, how many examples per second that makes, the memory a step needs, and the steps and examples each run needed to reach a common training loss.',
    verdict(state) {
      const rows = costRows(state).rows.filter((r) => state.runs[r.slot]?.state === 'finished' && Number.isFinite(r.msPerStep))
        .sort((a, b) => a.batch - b.batch);
      if (rows.length < 2) return '';
      const [s, l] = [rows[0], rows[rows.length - 1]];
      const n = (x, d = 0) => (Number.isFinite(x) ? formatNumber(x, d) : '—');
      const timeRatio = l.msPerStep / s.msPerStep;
      const reach = rows.map((r) => (Number.isFinite(r.steps) ? `B = ${r.batch} ${n(r.steps)} steps (${n(r.examples)} examples)` : `B = ${r.batch} did not reach it`));
      return `Measured in this browser at equal epochs: a step of B = ${l.batch} took ${fmt(l.msPerStep, 3)} ms against ${fmt(s.msPerStep, 3)} ms for B = ${s.batch}, ${fmt(timeRatio, 1)}× the time for ${l.batch / s.batch}× the examples, `
        + `so ${l.examplesPerSecond > s.examplesPerSecond ? 'more' : 'no more'} examples per second (${n(l.examplesPerSecond)} against ${n(s.examplesPerSecond)}). `
        + `Memory per step: ${formatBytes(l.memory)} against ${formatBytes(s.memory)}. To the common training loss ${fmt(costRows(state).target)}: ${reach.join('; ')}.`;
    },
  },
  // END cost
  eos: {
    text: 'Full-batch gradient descent with step η can only be stable where the sharpness λ_max is below 2/η. Training first sharpens the loss (λ_max rises) until it reaches 2/η, and then hovers there while the loss keeps falling, non-monotonically. Watch λ_max against the dashed 2/η line in the dynamics view; change η and the plateau moves with it.',
    verdict(state) {
      const runs = runsOf(state).filter((r) => r.a?.history?.lambda_max?.length);
      if (!runs.length) return 'Waiting for λ_max along training…';
      const { f, a } = runs[runs.length - 1];
      const lams = a.history.lambda_max.filter(Number.isFinite);
      const limit = 2 / f.lr;
      const late = lams.slice(Math.floor(lams.length / 2));
      const peak = Math.max(...late);
      return `Measured at ${comparisonOf(state)}: λ_max went from ${fmt(lams[0], 2)} to ${fmt(last(lams), 2)} (late-training maximum ${fmt(peak, 2)}); 2/η = ${fmt(limit, 2)}. ${peak >= 0.8 * limit ? (peak <= 1.2 * limit ? 'It reached the edge of stability and stayed near it.' : 'It went beyond 2/η: the run is unstable.') : 'It stayed below 2/η in this budget: raise η or the steps to reach the edge.'} ${seedsText(state.seeds, this.claims, comparisonName(state))}`;
    },
  },
  critical: {
    text: 'McCandlish et al. predict that, at the best learning rate for each batch size, the steps to a target loss follow S = S_min(1 + B_crit/B): well below B_crit a larger batch saves steps almost in proportion, well above it barely any, and B_crit is close to the gradient noise scale B_simple. These three runs do not test that: they share one step budget and take η from the square-root rule, not the best η per B. The dynamics view shows B_simple during training beside each run\'s B, and the cost table the steps and examples each run needed to the same loss. The trade-off chart in the sweep view (Run B × η sweep) finds the best η per B, fits the relation and sets B_crit beside B_simple.',
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
    text: 'Training on K devices, each with its own b examples, averages their K gradients (an all-reduce) before the update: that is one step with batch B = K·b. So adding devices is raising the batch size, with all its laws: the learning rate must follow the rule for K·b, and past the critical batch size more devices buy few steps. Here B = 32 (one device) runs beside B = 256 (8 devices × 32) under the linear rule. The data-parallelism control in the sweep view checks the update against one large batch and prints the time model.',
    verdict(state) {
      const runs = runsOf(state);
      if (runs.length < 2) return '';
      const [s, l] = [runs[0], runs[runs.length - 1]];
      const outcome = ({ f }) => (f.state === 'diverged' ? 'diverged' : `took ${f.steps} steps (${f.steps * f.batch} examples), training loss ${fmt(last(f.trainLoss))}`);
      return `Measured to the same training loss: B = ${s.f.batch} (η = ${showLr(s.f.lr)}) ${outcome(s)}; B = ${l.f.batch} (η = ${showLr(l.f.lr)}) ${outcome(l)}.${l.f.state !== 'diverged' && s.f.state !== 'diverged' && l.f.steps > 0 ? ` ${l.f.batch / s.f.batch}× the batch took ${fmt(s.f.steps / l.f.steps, 1)}× fewer steps.` : ''}`;
    },
  },
  // END laws
  // BEGIN digits
  digits: {
    text: 'The 8×8 handwritten digits (1 797 real images, 10 classes; UCI, CC BY 4.0): 1 024 for training, 512 held out. Three batch sizes train for the same 20 epochs with the same learning rate, so B = 512 takes 64× fewer steps than B = 8. The confusion matrices show which digits each run mixes up, the grid shows test digits with each run\'s answer. Then switch the learning-rate rule to "sqrt" (base batch 8) and compare again: does the large batch still lag, and is its train − test gap larger, or did it only fit less?',
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
      // Over seeds: a lower test accuracy that comes with a higher training loss is (at least
      // partly) underfitting, whatever the claim's name; say so when both hold in most seeds.
      const name = comparisonName(state);
      const both = mostly(state.seeds, 'worse_large') && mostly(state.seeds, 'small_fits_better') && state.seeds.done >= state.seeds.total;
      const over = `${seedsText(state.seeds, this.claims, name)}${both ? ` In most seeds the larger batch both fits the training digits less and tests lower, at ${name}: its lower test accuracy is at least partly underfitting.` : ''}`;
      return `Measured at ${comparisonOf(state)}, ${rule} learning-rate rule: ${facts}. ${reading} The loss curve of B = ${s.f.batch} is ${fmt(jagged, 1)}× as jagged as that of B = ${l.f.batch}. ${over}`;
    },
  },
  // END digits
};

/** Every scene of scenes.json, its data merged with its parts (same order). */
export const SCENES = Object.fromEntries(Object.entries(DATA).map(([name, data]) => {
  if (!PARTS[name]) throw new Error(`scenes.json: scene \`${name}\` has no text or verdict in scenes.js`);
  return [name, { ...data, ...PARTS[name] }];
}));
for (const name of Object.keys(PARTS)) {
  if (!DATA[name]) throw new Error(`scenes.js: scene \`${name}\` is missing from scenes.json`);
}

// Old links: `?scene=sharp` is the first step (not listed: the scene buttons and chapters name
// the three steps).
Object.defineProperty(SCENES, 'sharp', { value: SCENES.sharp_epochs, enumerable: false });
