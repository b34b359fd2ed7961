// A seeded generator of hostile query strings for the page (tests/fuzz-url.test.mjs): keys of
// the settings table (passed in, e.g. from the page's facts, or the list below) and of the page
// table (www/url.js PAGE_KEYS), unknown and repeated keys, valid, hostile and long values
// (NaN, ∞, 1e999, markup, javascript:, %00, broken percent-encoding, Unicode, 10 KB). Pure:
// the same seed gives the same URLs (node can test it: tests/unit/urlgen.test.mjs).
//
// Each URL starts with a small budget (n_train=64, epochs=2, grid=11, batch=8,64) so that a load
// trains in a moment; generated pairs come after and override it. Valid values of the costly
// keys are drawn small (the heaviest settings are the limits work, not this fuzzer's).

/** Mulberry32: a tiny seeded PRNG (the core's stream, so a failing seed is easy to replay). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SETTING_KEYS = ['seed', 'dataset', 'points', 'n_train', 'n_test', 'noise', 'label_noise', 'hidden', 'act', 'optimizer', 'momentum',
  'weight_decay', 'lr', 'lr_rule', 'base_batch', 'warmup', 'budget', 'epochs', 'steps', 'target_loss', 'max_steps', 'batch', 'grid'];
export const PAGE_KEY_LIST = ['scene', 'chapter', 'embed', 'plane', 'x', 'sweep_workers'];
export const BASE = [['n_train', '64'], ['epochs', '2'], ['grid', '11'], ['batch', '8,64']];

/** Values that are valid for some key (drawn small for the costly keys). */
const VALID = {
  seed: ['0', '1', '4294967295'], dataset: ['moons', 'circles', 'spiral', 'sine', 'linear', 'spiral3', 'custom', 'custom3', 'digits'],
  points: ['0:0:0;1:1:1;2:2:0;3:3:1', '0.5:-1:2;1:1:1;-2:2:0;3:-3:1;0:0:2', '10:-10:1'], n_train: ['64', '65', '100'], n_test: ['64', '100'],
  noise: ['0', '1', '0.3'], label_noise: ['0', '0.5'], hidden: ['', '4', '8,8', '1,1,1,1'], act: ['tanh', 'relu', 'sigmoid'],
  optimizer: ['sgd', 'momentum', 'adam'], momentum: ['0', '0.999'], weight_decay: ['0', '1'], lr: ['0.00001', '1000', '0.1'],
  lr_rule: ['fixed', 'linear', 'sqrt'], base_batch: ['1', '4096'], warmup: ['0', '100000'], budget: ['epochs', 'steps', 'loss'],
  epochs: ['1', '2'], steps: ['1', '30'], target_loss: ['0.0001', '10'], max_steps: ['1', '30'], batch: ['1', '64', '1,8,16,64', '4096'],
  grid: ['5', '11'], scene: ['nope'], chapter: ['1', '5', 'six', '0'], embed: ['landscape', 'curves,controls', 'nope'],
  plane: ['endpoints', 'random', 'pca', 'nope'], x: ['epoch', 'step', 'time', 'nope'], sweep_workers: ['1', '16', '0', 'x'],
};

/** Values no key takes (or that must be shown as text, never markup). */
export const HOSTILE = ['NaN', 'Infinity', '-Infinity', '∞', '1e999', '-0', '99999999999999999999', '', ' ', '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>', 'javascript:alert(1)', '%00', '\u0000', '%zz', '%', '%E0%A4%A', '1,2,,3', ';;', '1&lr=3', 'a=b', 'λ', '🙂',
  '\u202e', '<svg onload=alert(1)>', "'", '{{7*7}}', '__proto__'];

const UNKNOWN = ['nope', 'LR', '__proto__', 'constructor', 'toString', '<b>', 'λ', '', 'lr ', 'batch[]', 'n-train'];

/** Encodes a value: percent-encoded, or raw (broken escapes such as %zz and %E0%A4%A kept). */
const enc = (v, raw) => (raw ? v.replace(/[&#\s]/g, encodeURIComponent) : encodeURIComponent(v));

/** The `i`-th query string (without `?`) of `seed`: `{ query, pairs }` (pairs as generated). */
export function urlCase(seed, i, { settingKeys = SETTING_KEYS } = {}) {
  const r = rng((seed * 1000003 + i) >>> 0);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const keys = [...settingKeys, ...PAGE_KEY_LIST];
  const n = Math.floor(r() * 6) + 1;
  const pairs = [];
  for (let k = 0; k < n; k++) {
    const u = r();
    const key = u < 0.1 ? pick(UNKNOWN) : pick(keys);
    const v = r();
    let value;
    // (`__proto__` is a key too: look values up as own properties only.)
    const valid = Object.hasOwn(VALID, key) ? VALID[key] : ['1'];
    if (v < 0.45) value = pick(valid);
    else if (v < 0.9) value = pick(HOSTILE);
    else if (v < 0.95) value = [...`${pick(HOSTILE)}x`.repeat(10240)].slice(0, 10240).join('');
    else value = pick(valid) + pick(HOSTILE);
    pairs.push([key, value]);
    if (r() < 0.15) pairs.push([key, pick(HOSTILE)]);
  }
  const raw = r() < 0.2;
  const query = [...BASE, ...pairs].map(([k, v]) => `${enc(k, false)}=${enc(v, raw)}`).join('&');
  return { query, pairs };
}
