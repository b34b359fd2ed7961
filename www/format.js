// Number formatting shared by the views and the explanations (pure, no DOM).

/** `x` rounded to `digits` decimals, thousands separated by commas (1,234,567.8). */
export function formatNumber(x, digits) {
  const [int, frac] = String(Number(x.toFixed(digits))).split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}

/** A learning rate as shown: three significant digits (0.0707, 1.6, 28.3). */
export const showLr = (x) => (Number.isFinite(x) ? String(Number(x.toPrecision(3))) : '—');

/** Human-readable bytes. */
export function formatBytes(n) {
  if (!Number.isFinite(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) { n /= 1024; u += 1; }
  return `${n < 10 && u ? n.toFixed(1) : Math.round(n)} ${units[u]}`;
}
