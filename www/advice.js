// A note when a finished run learned (almost) nothing: its training loss stayed near where it
// started. Read from the runs' numbers; the suggestion is a scenario change that was tried on
// that data set with the native tool (README.md, "When a run learns nothing", lists the runs), offered as settings the
// page can apply, never as a promised result. Pure (no DOM), tested in node.

/** A run "stalled" when its final training loss is above this fraction of its first. */
export const STALL_FRACTION = 0.85;

/**
 * Suggestions per data set, tried with `cargo run -p batchscape -- run --set dataset=… …`
 * (README.md): settings that make the default two runs learn it. `any`: the rest.
 */
export const SUGGESTIONS = {
  spiral: { pairs: { hidden: '32,32', optimizer: 'adam', lr: '0.01', epochs: '200' }, text: 'a wider network (hidden layers 32, 32), Adam at η = 0.01 and 200 epochs' },
  any: { pairs: { hidden: '32,32', optimizer: 'adam', lr: '0.01', epochs: '200' }, text: 'a wider network (hidden layers 32, 32), Adam at η = 0.01 and 200 epochs (what made the spiral learn)' },
};

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(3) : '—');

/**
 * The note for the page state `s`, or null: `{ text, pairs }` (pairs: the suggested settings
 * not already in effect, [key, value]; empty when there is nothing left to suggest).
 */
export function stallNote(s) {
  const stalled = s.batches.flatMap((b, slot) => {
    const f = s.runs[slot];
    if (b === undefined || !f || f.state !== 'finished' || !(f.trainLoss?.length > 1)) return [];
    const [first, last] = [f.trainLoss[0], f.trainLoss[f.trainLoss.length - 1]];
    return Number.isFinite(first) && first > 0 && last > STALL_FRACTION * first ? [{ slot, f, first, last }] : [];
  });
  // Only when no run learned: one stalled run beside one that learned is the lesson (e.g. the
  // full batch's few steps at equal epochs), not a scenario the network cannot fit.
  const finished = s.batches.filter((b, slot) => b !== undefined && s.runs[slot]?.state === 'finished').length;
  if (!stalled.length || stalled.length < finished || finished < s.batches.filter((b) => b !== undefined).length) return null;
  const runs = stalled.map(({ slot, f, first, last }) => `Run ${slot + 1} (B = ${f.batch}) ended at training loss ${fmt(last)}, ${Math.max(0, 100 * (1 - last / first)).toFixed(0)} % below its start (${fmt(first)})`);
  const dataset = s.settings.get?.('dataset');
  const sug = SUGGESTIONS[dataset] ?? SUGGESTIONS.any;
  const pairs = Object.entries(sug.pairs).filter(([k, v]) => s.settings.get?.(k) !== v);
  const head = `${runs.join('; ')}: the network has not learned this data set in this budget.`;
  if (!pairs.length) return { text: `${head} Try more epochs or another learning rate in the scenario settings.`, pairs };
  return { text: `${head} Try ${sug.text}.`, pairs };
}
