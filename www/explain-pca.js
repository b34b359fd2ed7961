// The sentence under the PCA view of the digits: the variance the two components explain
// (the core's `input_pca::Projection`) and, per finished run, how many of its wrong test
// digits lie nearer — in the PC1–PC2 plane — to the centre of the digit it predicted than to
// that of their own digit (an error where two clusters overlap in this picture). Pure: no DOM,
// tested in node.

import { reported } from './explain-digits.js';
import { comparisonOf } from './lesson-text.js';

const pct = (x) => `${(100 * x).toFixed(1)} %`;

/** Per digit 0–9, the mean PC1/PC2 of the test images of that true digit (`null`: none). */
export function centres(pca) {
  const sum = Array.from({ length: 10 }, () => [0, 0, 0]);
  pca.labels.forEach((t, i) => {
    if (t < 10) { sum[t][0] += pca.coords[2 * i]; sum[t][1] += pca.coords[2 * i + 1]; sum[t][2] += 1; }
  });
  return sum.map(([x, y, n]) => (n ? [x / n, y / n] : null));
}

/**
 * A run's wrong test digits (`predicted` against the true labels; unpredicted ones left out)
 * and how many lie nearer to the predicted digit's centre than to their own: `{ wrong, nearer }`.
 */
export function errorsNearOtherCentre(pca, predicted, c = centres(pca)) {
  let wrong = 0;
  let nearer = 0;
  const d2 = (i, m) => (pca.coords[2 * i] - m[0]) ** 2 + (pca.coords[2 * i + 1] - m[1]) ** 2;
  pca.labels.forEach((t, i) => {
    const p = predicted[i];
    if (p === t || p >= 10 || p === undefined) return;
    wrong += 1;
    if (c[p] && c[t] && d2(i, c[p]) < d2(i, c[t])) nearer += 1;
  });
  return { wrong, nearer };
}

/** The sentence under the PCA panels ('' without a projection). */
export function explainPca(state) {
  const pca = state.pca;
  if (!pca?.labels?.length) return '';
  const [s1, s2] = pca.explained;
  const head = `PC1 and PC2 explain ${pct(s1)} and ${pct(s2)} of the test digits' pixel variance (${pct(s1 + s2)} together)` +
    (s1 + s2 < 0.5 ? ': most of it lies in the other directions, which this picture flattens.' : '.');
  const runs = reported(state).filter(({ f, r }) => f.state === 'finished' && r.predicted?.length === pca.labels.length);
  if (!runs.length) return head;
  const c = centres(pca);
  const counts = runs.map(({ f, r }) => ({ batch: f.batch, ...errorsNearOtherCentre(pca, r.predicted, c) }));
  const some = counts.filter((k) => k.wrong);
  const none = counts.filter((k) => !k.wrong).map((k) => `B = ${k.batch}`);
  const parts = some.map((k, i) => (i === 0
    ? `of the ${k.wrong} ${k.wrong === 1 ? 'digit' : 'digits'} B = ${k.batch} got wrong, ${k.nearer} ${k.nearer === 1 ? 'lies' : 'lie'} nearer, ` +
      'in this plane, to the centre of the digit it predicted than to their own'
    : `B = ${k.batch}: ${k.nearer} of ${k.wrong}`));
  if (none.length) parts.push(`${none.join(' and ')} got no digit wrong`);
  return `${head} Ringed points are the errors, at ${comparisonOf(state)}: ${parts.join('; ')}.`;
}
