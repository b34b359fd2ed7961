// URL keys and canonicalisation (www/url.js), expectations worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bareSceneQuery, hasSettings,
  PAGE_KEY_NAMES, canonicalQuery, describeRejection, embedPanels, embedUrl, pageValue, pairsOf,
  sceneQuery, scenarioPairs, shareUrl, syncedQuery, SURFACE, surfaceAngle,
} from '../../www/url.js';
import fs from 'node:fs';

test('the page keys are one table: plane, x, scene, embed, embed_height, chapter, quiz, sweep_workers, run_workers, test_faults, yaw, pitch', () => {
  assert.deepEqual(PAGE_KEY_NAMES, ['plane', 'x', 'scene', 'embed', 'embed_height', 'chapter', 'quiz', 'sweep_workers', 'run_workers', 'test_faults', 'yaw', 'pitch']);
});

test('a page key takes only its accepted values', () => {
  assert.equal(pageValue('?plane=pca', 'plane'), 'pca');
  assert.equal(pageValue('?plane=bogus', 'plane'), 'endpoints');
  assert.equal(pageValue('', 'plane'), 'endpoints');
  assert.equal(pageValue('?x=time', 'x'), 'time');
  assert.equal(pageValue('?x=hours', 'x'), null);
});

test('embed panels: unknown ones dropped, the landscape when none is left', () => {
  assert.deepEqual(embedPanels('curves,evil,landscape'), ['curves', 'landscape']);
  assert.deepEqual(embedPanels('<script>'), ['landscape']);
  assert.deepEqual(embedPanels(''), ['landscape']);
});

test('scenario pairs drop page keys and overridden keys, then append the overrides', () => {
  const pairs = pairsOf('?batch=8,32&plane=pca&lr=0.5&x=step&seed=3');
  const overrides = new Map([['lr', '0.1']]);
  // plane and x are the page's; lr is overridden → batch, seed, then lr=0.1
  assert.deepEqual(scenarioPairs(pairs, overrides), [['batch', '8,32'], ['seed', '3'], ['lr', '0.1']]);
});

test('scenario pairs read at most 200 URL parameters', () => {
  const pairs = Array.from({ length: 250 }, (_, k) => [`k${k}`, String(k)]);
  const out = scenarioPairs(pairs, new Map([['lr', '1']]));
  // 200 from the URL (k0 … k199), then the override
  assert.equal(out.length, 201);
  assert.deepEqual(out[199], ['k199', '199']);
  assert.deepEqual(out[200], ['lr', '1']);
});

test('the synced query: overrides, batch from the run slots, plane unless default, x when chosen', () => {
  const q = syncedQuery('?seed=3&batch=1&plane=pca', {
    overrides: new Map([['lr', '0.1']]), batches: [4, undefined, 16], plane: 'endpoints', xAxis: 'step', xAxisChosen: true,
  });
  // seed kept; batch replaced in place by 4,16 (the empty slot skipped); plane removed (default);
  // lr and x appended in that order. URLSearchParams writes "," as %2C.
  assert.equal(q, 'seed=3&batch=4%2C16&lr=0.1&x=step');
});

test('the canonical query keeps validated settings the URL named, drops unknown keys, keeps page keys', () => {
  const search = '?lr=abc&bogus=1&batch=8,32&scene=noisy&plane=pca';
  const state = {
    pairs: pairsOf(search), overrides: new Map(), batches: [8, 32], plane: 'pca', xAxis: 'epoch', xAxisChosen: false,
  };
  const settings = new Map([['lr', '0.2'], ['batch', '8,32'], ['seed', '0']]);
  // lr → the value in effect (0.2); bogus dropped; batch kept; seed not named → absent;
  // page keys in table order: plane, then scene; x not chosen → absent.
  assert.equal(canonicalQuery(search, state, settings), 'lr=0.2&batch=8%2C32&plane=pca&scene=noisy');
});

test('a scene query: its settings, its name, the plane if not the default', () => {
  assert.equal(sceneQuery('noisy', { batch: '1,256', lr: '0.05' }, 'pca'), 'batch=1%2C256&lr=0.05&scene=noisy&plane=pca');
  assert.equal(sceneQuery('eos', { batch: '256' }, 'endpoints'), 'batch=256&scene=eos');
});

test('share and embed links', () => {
  const href = 'http://127.0.0.1:8000/?batch=8&embed=curves';
  assert.equal(shareUrl(href), 'http://127.0.0.1:8000/?batch=8');
  assert.equal(embedUrl(href, []), 'http://127.0.0.1:8000/?batch=8&embed=landscape');
  assert.equal(embedUrl(href, ['curves', 'cost']), 'http://127.0.0.1:8000/?batch=8&embed=curves%2Ccost');
  assert.equal(embedUrl(`${href}&embed_height=300`, ['curves'], 'auto'), 'http://127.0.0.1:8000/?batch=8&embed=curves&embed_height=auto');
  assert.equal(shareUrl(`${href}&embed_height=300`), 'http://127.0.0.1:8000/?batch=8');
});

test('a rejection names the value used instead, or says it was ignored', () => {
  const settings = new Map([['lr', '0.2'], ['hidden', '']]);
  assert.equal(describeRejection('`lr` = abc is not a number', settings), '`lr` = abc is not a number — using lr = 0.2 instead.');
  assert.equal(describeRejection('`hidden` = x: bad', settings), '`hidden` = x: bad — using hidden = (empty) instead.');
  assert.equal(describeRejection('`nope` is not a setting', settings), '`nope` is not a setting — ignored.');
});

test('points travel in the URL up to the limit given (the core\'s); a larger set is left out of it', async () => {
  const { fitsUrl, pointCount, syncedQuery } = await import('../../www/url.js');
  const pts = (n) => Array.from({ length: n }, (_, i) => `${i / 100}:0:${i % 2}`).join(';');
  const LIMIT = 200;  // the core's custom::URL_MAX_POINTS, which main.js passes from the facts
  assert.equal(pointCount(pts(7)), 7);
  assert.equal(pointCount('1:2;3:4;'), 2);
  assert.equal(fitsUrl('points', pts(LIMIT), LIMIT), true);
  assert.equal(fitsUrl('points', pts(LIMIT + 1), LIMIT), false);
  assert.equal(fitsUrl('points', pts(6), 5), false, 'the limit is the one given, not a constant of url.js');
  assert.equal(fitsUrl('points', pts(3), undefined), false, 'no limit known yet: points stay out of the URL');
  assert.equal(fitsUrl('lr', 'anything', 0), true);
  const state = { batches: [16], plane: 'endpoints', xAxisChosen: false };
  const small = new URLSearchParams(syncedQuery('', { ...state, overrides: new Map([['dataset', 'custom'], ['points', pts(10)]]) }, LIMIT));
  assert.equal(small.get('points'), pts(10));
  const big = new URLSearchParams(syncedQuery('points=0:0:0', { ...state, overrides: new Map([['dataset', 'custom'], ['points', pts(201)]]) }, LIMIT));
  assert.equal(big.has('points'), false);
  assert.equal(big.get('dataset'), 'custom');
  // A settings file's 500 points (pairs, not overrides): the canonical query names the data set, not the points.
  const pairs = [['dataset', 'custom_reg'], ['points', pts(500)], ['batch', '16']];
  const settings = new Map(pairs);
  const canon = new URLSearchParams(canonicalQuery('', { ...state, pairs, overrides: new Map() }, settings, LIMIT));
  assert.deepEqual([canon.get('dataset'), canon.has('points')], ['custom_reg', false]);
  const few = new URLSearchParams(canonicalQuery('', { ...state, pairs: [['points', pts(12)]], overrides: new Map() }, new Map([['points', pts(12)]]), LIMIT));
  assert.equal(few.get('points'), pts(12));
});

test('pageKeyRejections: a message per rejected page key, none for accepted ones', async () => {
  const { pageKeyRejections } = await import('../../www/url.js');
  assert.deepEqual(pageKeyRejections('plane=pca&x=step&scene=a', ['a']), []);
  const m = pageKeyRejections('plane=%3Cimg%3E&x=NaN&scene=nope', ['a']);
  assert.equal(m.length, 3);
  assert.match(m[0], /^`plane` = "<img>" is not allowed/);
  assert.match(m[1], /^`x` = "NaN"/);
  assert.match(m[2], /^`scene` = "nope"/);
  assert.ok(pageKeyRejections(`plane=${'a'.repeat(10000)}`, [])[0].length < 200);
  // Repeated keys (URL fuzzer #37, #81): each rejected value has its message.
  assert.deepEqual(pageKeyRejections('x=epoch&x=%F0%9F%99%82&plane=pca&plane=1e999', []).map((m) => m.slice(0, 12)), ['`plane` = "1', '`x` = "🙂" i']);
});

test('pageKeyRejections: a rejected chapter and unknown embed panels are named, valid ones are not', async () => {
  const { pageKeyRejections } = await import('../../www/url.js');
  const { chapterIndex } = await import('../../www/chapters.js');
  const isChapter = (v) => chapterIndex(v) >= 0;
  assert.deepEqual(pageKeyRejections('chapter=2&embed=landscape,curves', [], isChapter), []);
  const m = pageKeyRejections('chapter=99&embed=landscape,%3Cimg%3E,nope,nope', [], isChapter);
  assert.equal(m.length, 2);
  assert.match(m[0], /^`chapter` = "99" is not a chapter/);
  assert.match(m[1], /^`embed`: "<img>", "nope" is not a panel/);
  // Without the chapter test (the old call) chapter values are not judged.
  assert.deepEqual(pageKeyRejections('chapter=99', []), []);
  assert.ok(pageKeyRejections(`embed=${'a,'.repeat(5000)}`, [])[0].length < 300);
});

// BEGIN surface
test('surfaceAngle: defaults, wrap, clamp, and a message for each bad value', () => {
  assert.deepEqual(surfaceAngle(''), { yaw: 35, pitch: 30, messages: [] });
  assert.deepEqual(surfaceAngle('?yaw=-120&pitch=60'), { yaw: -120, pitch: 60, messages: [] });
  assert.deepEqual(surfaceAngle('?yaw=190').yaw, -170);
  assert.deepEqual(surfaceAngle('?yaw=-190').yaw, 170);
  assert.deepEqual(surfaceAngle('?yaw=180').yaw, -180);
  const bad = surfaceAngle('?yaw=abc&pitch=400');
  assert.equal(bad.yaw, 35);
  assert.equal(bad.pitch, 85);
  assert.equal(bad.messages.length, 2);
  assert.match(bad.messages[0], /^`yaw` must be a number of degrees, not "abc" — using 35 instead\.$/);
  assert.match(bad.messages[1], /^`pitch` must be from 5 to 85 degrees — using 85 instead\.$/);
  assert.deepEqual(surfaceAngle('?yaw=&pitch=1'), { yaw: 35, pitch: 5, messages: surfaceAngle('?yaw=&pitch=1').messages });
  assert.equal(surfaceAngle('?yaw=Infinity').yaw, 35);
  // The page keys are not settings for the workers.
  assert.deepEqual(scenarioPairs([['yaw', '10'], ['pitch', '20'], ['lr', '0.1']], new Map()), [['lr', '0.1']]);
});

test('the page\'s surface angles are the core\'s (crate/render/src/surface.rs)', () => {
  const rs = fs.readFileSync(new URL('../../crate/render/src/surface.rs', import.meta.url), 'utf8');
  const num = (name) => Number(new RegExp(`pub const ${name}: f64 = (-?[0-9.]+);`).exec(rs)[1]);
  const pair = (name) => new RegExp(`pub const ${name}: \\(f64, f64\\) = \\((-?[0-9.]+), (-?[0-9.]+)\\);`).exec(rs).slice(1).map(Number);
  assert.equal(SURFACE.defaultYaw, num('DEFAULT_YAW'));
  assert.equal(SURFACE.defaultPitch, num('DEFAULT_PITCH'));
  assert.deepEqual(SURFACE.pitchRange, pair('PITCH_RANGE'));
  assert.deepEqual(pair('YAW_RANGE'), [-180, 180]);
});
// END surface

test('a bare scene link stands for the scene\'s settings; a link with settings is taken as written', () => {
  const scenes = { noisy: { pairs: { batch: '1,256', lr: '0.05', epochs: '20' } } };
  const q = new URLSearchParams(bareSceneQuery('?scene=noisy&embed=curves&plane=pca', scenes));
  assert.deepEqual(Object.fromEntries(q), { batch: '1,256', lr: '0.05', epochs: '20', scene: 'noisy', plane: 'pca', embed: 'curves' });
  assert.equal(new URLSearchParams(bareSceneQuery('?scene=noisy', scenes)).get('plane'), null, 'the default plane is not written');
  assert.equal(bareSceneQuery('?scene=noisy&lr=0.1', scenes), null, 'a setting in the link: as written');
  assert.equal(bareSceneQuery('?scene=nope', scenes), null);
  assert.equal(bareSceneQuery('?batch=4', scenes), null);
  assert.equal(hasSettings('?scene=noisy&chapter=1&run_workers=1'), false);
  assert.equal(hasSettings('?scene=noisy&seed=3'), true);
});
