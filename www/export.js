// Exports: files the user downloads (figures, run data, settings). Pure functions of the page
// state plus one helper that hands a Blob to the browser.

/** Offers `data` (a string or Blob) as a file download named `name`. */
export function download(name, type, data) {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file name stem of the page's exports: data set and the shown runs' batch sizes. */
export function slug(state) {
  const b = state.batches.filter((x) => x !== undefined).join('-');
  return `batchscape-${state.settings.get?.('dataset') ?? 'run'}-b${b}`;
}

const COLUMNS = ['step', 'epoch', 'train_loss', 'test_loss', 'train_acc', 'test_acc'];
const FIELDS = { step: 'stepAt', epoch: 'epoch', train_loss: 'trainLoss', test_loss: 'testLoss', train_acc: 'trainAcc', test_acc: 'testAcc' };

function activeRuns(state) {
  return state.batches.flatMap((b, slot) => (b !== undefined && state.runs[slot] ? [{ slot, f: state.runs[slot] }] : []));
}

const num = (x) => (Number.isFinite(x) ? String(x) : '');

/** Every recorded history point of every run, one row each (long format, RFC 4180). */
export function runsCsv(state) {
  const rows = [['run', 'batch', 'lr', 'state', ...COLUMNS].join(',')];
  for (const { slot, f } of activeRuns(state)) {
    for (let k = 0; k < f.stepAt.length; k++) {
      rows.push([slot + 1, f.batch, f.lr, f.state, ...COLUMNS.map((c) => num(f[FIELDS[c]][k]))].join(','));
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}

/** The settings and each run's history, final numbers and analysis, as one JSON document. */
export function runsJson(state) {
  const settings = Object.fromEntries(state.settings);
  const runs = activeRuns(state).map(({ slot, f }) => {
    const d = state.diag[slot]?.gen === state.gens[slot] ? state.diag[slot].analysis : null;
    return {
      run: slot + 1, batch_size: f.batch, lr: f.lr, state: f.state, steps: f.steps,
      divergence: f.divergence || null, theta_fingerprint: f.fingerprint, ms_per_step: f.msPerStep,
      history: Object.fromEntries(COLUMNS.map((c) => [c, Array.from(f[FIELDS[c]], (x) => (Number.isFinite(x) ? x : null))])),
      analysis: d,
    };
  });
  return JSON.stringify({ settings, runs }, null, 2);
}
