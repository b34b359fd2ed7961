// The words a printed handout and a slide figure carry besides the pictures, pure: the
// settings in effect in one line (the settings table's own keys, as in the URL and the native
// tool's `--set`), and the title (the chapter's question, else the scene's title).

/** Settings shown for every scenario, in this order; the budget's own keys follow `budget`. */
const KEYS = ['dataset', 'n_train', 'hidden', 'act', 'optimizer', 'lr', 'lr_rule', 'weight_decay'];
const BUDGET_KEYS = { epochs: ['epochs'], steps: ['steps'], loss: ['target_loss', 'max_steps'] };

/**
 * One line of `key=value` pairs: the main settings in effect (`state.settings`, a Map of the
 * validated settings), the batch sizes of the runs shown (`state.batches`: the sliders', which
 * can be newer than the settings' `batch`) and the seed. Missing keys are skipped.
 */
export function settingsSummary(state) {
  const settings = state.settings ?? new Map();
  const get = (k) => settings.get?.(k);
  const budget = get('budget');
  const keys = [...KEYS, 'budget', ...(BUDGET_KEYS[budget] ?? [])];
  const pairs = keys.filter((k) => get(k) !== undefined).map((k) => `${k}=${get(k) === '' ? '(none)' : get(k)}`);
  const batches = (state.batches ?? []).filter((b) => b !== undefined);
  if (batches.length) pairs.push(`batch=${batches.join(',')}`);
  else if (get('batch') !== undefined) pairs.push(`batch=${get('batch')}`);
  if (get('seed') !== undefined) pairs.push(`seed=${get('seed')}`);
  return pairs.join(' · ');
}

/** The source line of a handout or slide: where it comes from, its link and its settings. */
export function sourceLine(href, state) {
  return `Batchscape · ${href} · ${settingsSummary(state)}`;
}

/**
 * The title of a slide: the chapter's question (with its "Chapter k of n" kicker), else the
 * scene's title, else the page's own title. Arguments are the texts the page shows (empty: absent).
 */
export function slideTitle({ kicker = '', question = '', scene = '' } = {}) {
  if (question) return kicker ? `${kicker}: ${question}` : question;
  if (scene) return scene;
  return 'Batchscape: what batch size does to training';
}
