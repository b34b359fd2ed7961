// The URL fuzzer's generator (tests/lib/urlgen.mjs): seeded, covers the key families.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, HOSTILE, PAGE_KEY_LIST, SETTING_KEYS, urlCase } from '../lib/urlgen.mjs';

test('the same seed gives the same URLs, another seed others', () => {
  const a = Array.from({ length: 50 }, (_, i) => urlCase(7, i).query);
  assert.deepEqual(a, Array.from({ length: 50 }, (_, i) => urlCase(7, i).query));
  assert.notDeepEqual(a, Array.from({ length: 50 }, (_, i) => urlCase(8, i).query));
  assert.equal(new Set(a).size, 50);
});

test('URLs start with the small budget and cover every key family and hostile, long and repeated values', () => {
  const cases = Array.from({ length: 2000 }, (_, i) => urlCase(1, i));
  const keys = new Set(cases.flatMap((c) => c.pairs.map(([k]) => k)));
  for (const k of [...SETTING_KEYS, ...PAGE_KEY_LIST]) assert.ok(keys.has(k), k);
  assert.ok([...keys].some((k) => !SETTING_KEYS.includes(k) && !PAGE_KEY_LIST.includes(k)), 'unknown keys');
  const values = cases.flatMap((c) => c.pairs.map(([, v]) => v));
  for (const h of ['NaN', '1e999', '<img src=x onerror=alert(1)>', '%zz']) assert.ok(values.includes(h), h);
  assert.ok(values.some((v) => v.length >= 10240), '10 KB values');
  assert.ok(cases.some((c) => new Set(c.pairs.map(([k]) => k)).size < c.pairs.length), 'repeated keys');
  assert.ok(cases.some((c) => c.query.includes('%zz')), 'raw broken escapes');
  for (const c of cases.slice(0, 200)) assert.deepEqual([...new URLSearchParams(c.query)].slice(0, BASE.length), BASE);
  assert.ok(HOSTILE.length > 20);
});
