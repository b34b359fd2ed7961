// The slide layout (www/slide-layout.js) and the handout's words (www/handout.js), pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SLIDE, fitRect, panelRects, panelSize, slideLayout, wrapLines } from '../../www/slide-layout.js';
import { settingsSummary, slideTitle, sourceLine } from '../../www/handout.js';

const inside = (r, box) => r.x >= box.x - 1e-9 && r.y >= box.y - 1e-9
  && r.x + r.w <= box.x + box.w + 1e-9 && r.y + r.h <= box.y + box.h + 1e-9;
const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test('the slide is 16:9 and its bands are inside it, the caption above the panels, the source line below', () => {
  assert.equal(SLIDE.width / SLIDE.height, 16 / 9);
  const { caption, footer, area } = slideLayout([[100, 100]]);
  const slide = { x: 0, y: 0, w: SLIDE.width, h: SLIDE.height };
  for (const r of [caption, footer, area]) assert.ok(inside(r, slide));
  assert.ok(caption.y + caption.h <= area.y && area.y + area.h <= footer.y);
  // 1920 − 2·40 wide; 1080 − 2·40 − 120 − 44 − 28 (half a gap above and below the panels) high.
  assert.equal(area.w, 1840);
  assert.equal(area.h, 1080 - 80 - 120 - 44 - 28);
});

test('one panel gets the whole area', () => {
  const { cells, cols, rows, area } = slideLayout([[120, 100]]);
  assert.deepEqual([cols, rows], [1, 1]);
  assert.deepEqual(cells[0], area);
});

test('two near-square panels sit side by side; two very wide ones stack', () => {
  const square = slideLayout([[600, 500], [600, 500]]);
  assert.deepEqual([square.cols, square.rows], [2, 1]);
  const wide = slideLayout([[1200, 300], [1200, 300]]);
  assert.deepEqual([wide.cols, wide.rows], [1, 2]);
});

test('the smallest panel decides: a wide pair beside a square chart would shrink below its size, so they stack', () => {
  // The page's curves (560 × 340 + a 34 px label) and flat vs sharp (two 560 × 320 charts).
  const curves = [560, 374];
  const pair = [1134, 354];
  const { cols, cells } = slideLayout([curves, pair]);
  // Side by side, each cell is (1840 − 28) / 2 = 906 px wide: the pair at 906 / 1134 = 0.80 of
  // its size. Stacked, each cell is 1840 × (808 − 28) / 2 = 390: the curves at 390 / 374 = 1.04,
  // the pair at 390 / 354 = 1.10.
  assert.equal(cols, 1);
  const scales = cells.map((c, k) => fitRect(c, [curves, pair][k][0] / [curves, pair][k][1]).w / [curves, pair][k][0]);
  assert.ok(Math.min(...scales) > 1, `scales ${scales}`);
  // The landscape pair (map 560 × 480 and surface 560 × 440) beside the curves: side by side
  // keeps the smaller scale larger (906 / 1134 = 0.80 against 390 / 514 = 0.76 stacked).
  assert.equal(slideLayout([[1134, 514], curves]).cols, 2);
});

test('n panels: cells inside the area, none overlapping, a grid of at most n cells per row', () => {
  for (let n = 1; n <= 7; n++) {
    const { cells, cols, rows, area } = slideLayout(Array(n).fill([520, 400]));
    assert.equal(cells.length, n);
    assert.ok(cols * rows >= n && (cols - 1) * rows < n, `n=${n}: ${cols}×${rows} has no empty column`);
    for (const c of cells) assert.ok(inside(c, area), `n=${n}: cell inside`);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.ok(!overlap(cells[i], cells[j]), `n=${n}: ${i}, ${j} apart`);
  }
});

test('four square-ish panels make a 2 × 2 grid, three a row, and an incomplete last row is centred', () => {
  assert.deepEqual([slideLayout(Array(4).fill([600, 500])).cols, slideLayout(Array(4).fill([600, 500])).rows], [2, 2]);
  assert.equal(slideLayout(Array(3).fill([600, 500])).cols, 3);
  const five = slideLayout(Array(5).fill([600, 500]));
  assert.deepEqual([five.cols, five.rows], [3, 2]);
  const [a, b] = five.cells.slice(3);
  const { area } = five;
  // The two cells of the last row: equal room left and right of them.
  assert.ok(Math.abs((a.x - area.x) - (area.x + area.w - (b.x + b.w))) < 1e-9);
});

test('fitRect keeps the aspect, touches two sides of the box and is centred', () => {
  const box = { x: 10, y: 20, w: 400, h: 100 };
  const r = fitRect(box, 2);
  assert.deepEqual(r, { x: 110, y: 20, w: 200, h: 100 });
  const tall = fitRect(box, 8);
  assert.deepEqual(tall, { x: 10, y: 45, w: 400, h: 50 });
});

test('a panel\'s charts share its cell at one scale, side by side under the label, and fit', () => {
  const cell = { x: 0, y: 0, w: 1000, h: 400 };
  const { label, charts, scale } = panelRects(cell, [[560, 320], [560, 320]], { labelHeight: 30, gap: 10 });
  // Width-bound: (1000 − 10) / 1120; height-bound: (400 − 30) / 320. The smaller wins.
  assert.equal(scale, Math.min(990 / 1120, 370 / 320));
  assert.equal(charts.length, 2);
  for (const c of charts) assert.ok(inside(c, cell));
  assert.ok(!overlap(charts[0], charts[1]));
  assert.ok(charts[0].y >= label.y + label.h - 1e-9, 'charts under the label');
  assert.ok(Math.abs(charts[0].w / charts[0].h - 560 / 320) < 1e-9, 'aspect kept');
  assert.deepEqual(panelSize([[560, 320], [560, 320]], { labelHeight: 30, gap: 10 }), [1130, 350]);
});

test('charts of different heights are centred on one row', () => {
  const { charts } = panelRects({ x: 0, y: 0, w: 1200, h: 600 }, [[560, 480], [560, 240]], { labelHeight: 0, gap: 0 });
  const mid = (r) => r.y + r.h / 2;
  assert.ok(Math.abs(mid(charts[0]) - mid(charts[1])) < 1e-9);
});

test('wrapLines breaks at spaces, cuts an overlong word and ends a cut text with an ellipsis', () => {
  assert.deepEqual(wrapLines('one two three four', 9), ['one two', 'three', 'four']);
  assert.deepEqual(wrapLines('a  b\n c', 80), ['a b c']);
  assert.deepEqual(wrapLines('abcdefghijkl', 5), ['abcd…']);
  assert.deepEqual(wrapLines('one two three four', 9, 2), ['one two', 'three…']);
  for (const line of wrapLines('the quick brown fox jumps over the lazy dog '.repeat(5), 20, 3)) assert.ok(line.length <= 20);
});

const state = (over = {}) => ({
  settings: new Map([['dataset', 'moons'], ['n_train', '256'], ['hidden', '16,16'], ['act', 'tanh'], ['optimizer', 'sgd'],
    ['lr', '0.2'], ['lr_rule', 'fixed'], ['weight_decay', '0'], ['budget', 'loss'], ['epochs', '40'], ['target_loss', '0.1'],
    ['max_steps', '5000'], ['batch', '8,256'], ['seed', '3']]),
  batches: [8, undefined, 64],
  ...over,
});

test('the settings summary names the budget\'s own keys only, the shown runs\' batch sizes and the seed', () => {
  assert.equal(settingsSummary(state()),
    'dataset=moons · n_train=256 · hidden=16,16 · act=tanh · optimizer=sgd · lr=0.2 · lr_rule=fixed · weight_decay=0'
    + ' · budget=loss · target_loss=0.1 · max_steps=5000 · batch=8,64 · seed=3');
  const epochs = settingsSummary(state({ batches: [], settings: new Map([['budget', 'epochs'], ['epochs', '40'], ['hidden', ''], ['batch', '8,256']]) }));
  assert.equal(epochs, 'hidden=(none) · budget=epochs · epochs=40 · batch=8,256');
  assert.equal(settingsSummary({}), '');
});

test('the source line carries the link and the settings; the title prefers the chapter, then the scene', () => {
  assert.equal(sourceLine('http://x/?a=1', state({ settings: new Map([['seed', '1']]), batches: [4] })), 'Batchscape · http://x/?a=1 · batch=4 · seed=1');
  assert.equal(slideTitle({ kicker: 'Chapter 2 of 5 · Cost', question: 'What does a batch cost?', scene: 'Noisy SGD' }), 'Chapter 2 of 5 · Cost: What does a batch cost?');
  assert.equal(slideTitle({ scene: 'Noisy SGD' }), 'Noisy SGD');
  assert.equal(slideTitle(), 'Batchscape: what batch size does to training');
});
