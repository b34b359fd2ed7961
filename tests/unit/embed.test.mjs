// embed.js's pure parts: embed_height parsing and the resize message / host script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMBED_HEIGHT, hostScript, parseEmbedHeight, resizeMessage } from '../../www/embed.js';

test('embed_height: auto, a clamped number of pixels, or a message', () => {
  assert.deepEqual(parseEmbedHeight(null), { mode: 'fit', height: null, message: '' });
  assert.deepEqual(parseEmbedHeight('auto'), { mode: 'auto', height: null, message: '' });
  assert.deepEqual(parseEmbedHeight('480'), { mode: 'fixed', height: 480, message: '' });
  const low = parseEmbedHeight('10');
  assert.equal(low.height, EMBED_HEIGHT.min);
  assert.match(low.message, /outside 200 to 5000 pixels — using 200/);
  assert.equal(parseEmbedHeight('99999').height, EMBED_HEIGHT.max);
  const bad = parseEmbedHeight('<b>tall');
  assert.equal(bad.mode, 'fit');
  assert.match(bad.message, /is not a number of pixels or "auto"/);
});

test('the resize message and the host script that applies it', () => {
  assert.deepEqual(resizeMessage(812.2), { type: 'batchscape:resize', height: 813 });
  const s = hostScript('f1');
  assert.match(s, /getElementById\('f1'\)/);
  assert.match(s, /e\.source !== f\.contentWindow/);
  assert.match(s, /d\.type !== 'batchscape:resize'/);
});
