// The guided path's data and URL rules (www/chapters.js), and the glossary they use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CHAPTERS, chapterIndex, chapterOf, chapterQuery, chapterScene, chapterStates, labQuery, tryThisOf,
} from '../../www/chapters.js';
import { GLOSSARY } from '../../www/glossary.js';
import { SCENES } from '../../www/scenes.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('five chapters in the lessons\' order, each with views of the page and a first state that exists', () => {
  assert.deepEqual(CHAPTERS.map((c) => c.slug), ['batch', 'cost', 'scaling', 'sharpness', 'critical']);
  const html = fs.readFileSync(path.join(ROOT, 'index.html'), 'utf8');
  const panels = new Set([...html.matchAll(/<figure[^>]*data-panel="([a-z]+)"/g)].map((m) => m[1]));
  for (const [k, c] of CHAPTERS.entries()) {
    for (const v of c.views) assert.ok(panels.has(v), `chapter ${k + 1}: view ${v} is a figure of index.html`);
    assert.ok(c.views.length >= 1 && c.views.length < panels.size, `chapter ${k + 1} shows some views, not all`);
    assert.ok(chapterStates(k, SCENES).length >= 1, `chapter ${k + 1} has a state`);
  }
  assert.deepEqual(CHAPTERS.map((_, k) => chapterStates(k, SCENES)[0]).filter((key) => !key.startsWith('sharp')), ['noisy', 'cost', 'scaling', 'critical']);
});

test('a chapter skips state keys the scenes do not have, and falls back when none exists', () => {
  const scenes = { noisy: {}, sharp: {}, critical: {} };
  assert.deepEqual(chapterStates(3, scenes), ['sharp'], 'chapter 4: none of sharp_epochs/loss/noise → its fallback');
  assert.deepEqual(chapterStates(3, { sharp: {}, sharp_loss: {}, sharp_epochs: {} }), ['sharp_epochs', 'sharp_loss'], 'the new keys, in the chapter\'s order; no fallback');
  assert.deepEqual(chapterStates(4, scenes), ['critical'], 'chapter 5 without `parallel`');
  assert.deepEqual(chapterStates(4, { critical: {}, parallel: {} }), ['critical', 'parallel']);
  assert.deepEqual(chapterStates(1, {}), []);
  assert.deepEqual(chapterStates(9, scenes), []);
  // Inherited names are not scenes.
  assert.deepEqual(chapterStates(0, Object.create({ noisy: {} })), []);
});

test('chapter values: numbers 1–5 and slugs; anything else is no chapter', () => {
  assert.equal(chapterIndex('1'), 0);
  assert.equal(chapterIndex('5'), 4);
  assert.equal(chapterIndex(' Cost '), 1);
  assert.equal(chapterIndex('sharpness'), 3);
  for (const bad of ['0', '6', '-1', '1.5', '01x', '<script>', '', 'constructor', '__proto__', null, undefined]) assert.equal(chapterIndex(bad), -1, String(bad));
});

test('which chapter a URL shows: a chapter link, the empty first visit (chapter 1), else the lab', () => {
  assert.deepEqual(chapterOf(''), { index: 0, mode: 'start' });
  assert.deepEqual(chapterOf('?'), { index: 0, mode: 'start' });
  assert.deepEqual(chapterOf('?chapter=3'), { index: 2, mode: 'link' });
  assert.deepEqual(chapterOf('?batch=16,256'), { index: -1, mode: 'lab' });
  assert.deepEqual(chapterOf('?chapter=evil&batch=16'), { index: -1, mode: 'lab' });
});

test('a chapter link restores the URL\'s own state only when it is one of the chapter\'s states with settings', () => {
  const scenes = { noisy: {}, scaling: {} };
  assert.deepEqual(chapterScene('?chapter=1', 0, scenes), { scene: 'noisy', fromUrl: false });
  assert.deepEqual(chapterScene('?chapter=1&scene=noisy&batch=2,256', 0, scenes), { scene: 'noisy', fromUrl: true });
  assert.deepEqual(chapterScene('?chapter=1&scene=noisy&plane=pca', 0, scenes), { scene: 'noisy', fromUrl: false }, 'page keys are not settings');
  assert.deepEqual(chapterScene('?chapter=1&scene=scaling&batch=2', 0, scenes), { scene: 'noisy', fromUrl: false }, 'another chapter\'s scene');
  assert.deepEqual(chapterScene('?chapter=2', 1, scenes), { scene: null, fromUrl: false });
});

test('chapter and lab queries', () => {
  assert.equal(chapterQuery(2, 'batch=16%2C64&scene=scaling'), 'batch=16%2C64&scene=scaling&chapter=3');
  assert.equal(labQuery('?batch=16&chapter=3&scene=scaling'), 'batch=16&scene=scaling');
});

test('the questions read the runs and N: chapter 1 asks about the smallest batch against all N', () => {
  const q = CHAPTERS[0].question;
  assert.equal(q({ nTrain: 256, batches: [256, 1] }), 'What changes when each update sees 1 example instead of all 256?');
  assert.equal(q({ nTrain: 512, batches: [4, undefined, 512] }), 'What changes when each update sees 4 examples instead of all 512?');
  assert.equal(q({ nTrain: 512, batches: [2, 64] }), 'What changes when each update sees 2 examples instead of 64?');
  for (const c of CHAPTERS) assert.match(c.question({ nTrain: 256, batches: [16, 256] }), /\?$/);
});

test('the glossary defines every term the page and the chapters use, once', () => {
  const html = fs.readFileSync(path.join(ROOT, 'index.html'), 'utf8');
  const used = new Set([...html.matchAll(/data-term="([a-z_]+)"/g)].map((m) => m[1]));
  for (const c of CHAPTERS) for (const seg of c.text) if (typeof seg !== 'string') used.add(seg.term);
  assert.deepEqual([...used].sort(), Object.keys(GLOSSARY).sort());
  for (const [key, { term, text }] of Object.entries(GLOSSARY)) {
    assert.ok(term.length > 2 && text.length > 60 && text.length < 320, `${key}: a short definition`);
  }
  assert.deepEqual(Object.keys(GLOSSARY).sort(), ['b_simple', 'eos', 'epoch_step', 'eps_sharpness', 'filter_normalized', 'lambda_max']);
});

test('chapter 4\'s prompt fits the states it has: switching states, or the rule switch of the single older scene', () => {
  assert.match(tryThisOf(3, { sharp: {} }), /switch the learning-rate rule to "linear"/);
  assert.match(tryThisOf(3, { sharp_epochs: {}, sharp_loss: {} }), /^Switch between the states of this chapter/);
  assert.equal(tryThisOf(0, { noisy: {} }), CHAPTERS[0].tryThis, 'a chapter without a one-state prompt keeps its own');
});
