import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIM, toPlane, toPixel, pointsText, parseValidated, datasetFor, classCounts, keyAction, moved } from '../../www/owndata-points.js';

test('pixel and plane coordinates are inverse (to 2 decimals), y up, clamped to the plane', () => {
  assert.deepEqual(toPlane(0, 0, 200), { x1: -LIM, x2: LIM });
  assert.deepEqual(toPlane(100, 100, 200), { x1: 0, x2: 0 });
  assert.deepEqual(toPlane(150, 50, 200), { x1: 1, x2: 1 });
  assert.deepEqual(toPlane(-50, 500, 200), { x1: -LIM, x2: -LIM });
  const { px, py } = toPixel(1, 1, 200);
  assert.deepEqual([px, py], [150, 50]);
});

test('points text round-trips and picks the data set by its labels', () => {
  const pts = [{ x1: 0.5, x2: -1, label: 0 }, { x1: 1.25, x2: 0, label: 1 }];
  assert.equal(pointsText(pts), '0.5:-1:0;1.25:0:1');
  assert.deepEqual(parseValidated(pointsText(pts)), pts);
  assert.deepEqual(parseValidated(''), []);
  assert.equal(datasetFor(pts), 'custom');
  assert.equal(datasetFor([...pts, { x1: 0, x2: 0, label: 2 }]), 'custom3');
  assert.deepEqual(classCounts(pts), [1, 1, 0]);
});

test('keys move the cursor, place a class, undo; other keys are not ours', () => {
  assert.deepEqual(keyAction('ArrowUp', false), { move: [0, 0.1] });
  assert.deepEqual(keyAction('ArrowLeft', true), { move: [-0.5, 0] });
  assert.deepEqual(keyAction('2', false), { place: 2 });
  assert.deepEqual(keyAction('0', false), { place: 0 });
  assert.equal(keyAction('3', false), null);
  assert.deepEqual(keyAction('Enter', false), { place: null });
  assert.deepEqual(keyAction('Backspace', false), { undo: true });
  assert.equal(keyAction('Tab', false), null);
  assert.deepEqual(moved({ x1: 1.95, x2: 0 }, [0.1, 0.1]), { x1: LIM, x2: 0.1 });
  assert.deepEqual(moved({ x1: 0.1, x2: 0.2 }, [0.1, 0]), { x1: 0.2, x2: 0.2 });
});

test('regression points (label null) write x:y, pick custom_reg, and never mix with class points', async () => {
  const { REGRESSION, mixRefusal, OWN_DATASETS } = await import('../../www/owndata-points.js');
  const reg = [{ x1: -1.5, x2: 0.25, label: null }, { x1: 2, x2: 0, label: null }];
  assert.equal(pointsText(reg), '-1.5:0.25;2:0');
  assert.deepEqual(parseValidated('-1.5:0.25;2:0'), reg);
  assert.equal(datasetFor(reg), 'custom_reg');
  assert.deepEqual(classCounts(reg), [0, 0, 0]);
  assert.equal(REGRESSION, 'reg');
  assert.ok(OWN_DATASETS.includes('custom_reg') && OWN_DATASETS.includes('custom3'));
  assert.equal(mixRefusal([], null), null);
  assert.equal(mixRefusal(reg, null), null);
  assert.match(mixRefusal(reg, 1), /regression points/);
  assert.match(mixRefusal([{ x1: 0, x2: 0, label: 0 }], null), /class points/);
  assert.equal(mixRefusal([{ x1: 0, x2: 0, label: 0 }], 2), null);
});
