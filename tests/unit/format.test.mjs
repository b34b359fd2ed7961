// Number formatting (www/format.js), expectations worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatNumber, showLr } from '../../www/format.js';

test('formatNumber rounds to the digits asked and separates thousands with commas', () => {
  // 1234567.891 to 1 decimal: 1234567.9 → groups 1 | 234 | 567
  assert.equal(formatNumber(1234567.891, 1), '1,234,567.9');
  // 999.5 to 0 decimals rounds up to 1000 → 1,000
  assert.equal(formatNumber(999.5, 0), '1,000');
  // trailing zeros are dropped: 2.50 → 2.5; 3.0 → 3
  assert.equal(formatNumber(2.5, 2), '2.5');
  assert.equal(formatNumber(3, 3), '3');
  // below a thousand no separator: 0.1234 to 3 decimals → 0.123
  assert.equal(formatNumber(0.1234, 3), '0.123');
  // negative: -1234.5 → -1235 (halves round away from zero) → -1,235, no comma after the sign
  assert.equal(formatNumber(-1234.5, 0), '-1,235');
});

test('showLr shows three significant digits, and a dash for non-numbers', () => {
  // √2/20 = 0.0707106… → 0.0707; 20√2 = 28.284… → 28.3; 1.6 → 1.60 → 1.6
  assert.equal(showLr(Math.SQRT2 / 20), '0.0707');
  assert.equal(showLr(20 * Math.SQRT2), '28.3');
  assert.equal(showLr(1.6), '1.6');
  assert.equal(showLr(0.00001), '0.00001');
  assert.equal(showLr(NaN), '—');
  assert.equal(showLr(Infinity), '—');
});

test('formatBytes uses binary units, one decimal below 10', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1023), '1023 B');
  // 1024 B = 1 KB (below 10 → one decimal)
  assert.equal(formatBytes(1024), '1.0 KB');
  // 1536 / 1024 = 1.5
  assert.equal(formatBytes(1536), '1.5 KB');
  // 10240 / 1024 = 10 → no decimal
  assert.equal(formatBytes(10240), '10 KB');
  // 5 · 1024² = 5 MB
  assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MB');
  // GB is the largest unit: 3 · 1024⁴ B = 3072 GB
  assert.equal(formatBytes(3 * 1024 ** 4), '3072 GB');
  assert.equal(formatBytes(NaN), '—');
});
