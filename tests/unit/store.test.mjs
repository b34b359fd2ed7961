// The store (www/store.js): updates notify exactly the subscribers of the keys they name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeSlots, batchStops, createStore, initialState, runsKey } from '../../www/store.js';

test('update and set notify the subscribers of the keys they name, in order, once each', () => {
  const store = createStore(initialState());
  const seen = [];
  store.subscribe(['runs', 'batches'], (keys) => seen.push(['a', keys]));
  const off = store.subscribe('atlas', (keys) => seen.push(['b', keys]));
  store.update('runs', (s) => { s.runs[0] = { batch: 8 }; });
  store.update(['runs', 'atlas'], () => {});
  store.update([], (s) => { s.gens[0] += 1; });      // names nothing: nobody is told
  store.set({ atlas: { fine: true } });
  off();
  store.set({ atlas: null });
  assert.deepEqual(seen, [['a', ['runs']], ['a', ['runs', 'atlas']], ['b', ['runs', 'atlas']], ['b', ['atlas']]]);
  assert.equal(store.get().runs[0].batch, 8);
  assert.equal(store.get().gens[0], 1);
  // update returns what fn returns
  assert.equal(store.update([], () => 42), 42);
});

test('readers: active slots, the runs key, slider stops', () => {
  const s = { ...initialState(), batches: [8, undefined, 32], gens: [3, 1, 2, 0], nTrain: 40 };
  assert.deepEqual(activeSlots(s), [0, 2]);
  assert.equal(runsKey(s), '0:3,2:2');
  // The stops are the core's (facts::batch_stops, tested there); before the first settings
  // arrive the slider offers only the full batch.
  assert.deepEqual(batchStops(s), [40]);
  assert.deepEqual(batchStops({ ...s, facts: { batch_stops: [1, 2, 4, 8, 16, 24, 32, 40] } }), [1, 2, 4, 8, 16, 24, 32, 40]);
});
