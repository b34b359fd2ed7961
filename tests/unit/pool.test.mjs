// The sweep workers' pool (www/pool.js) without a browser: fake workers (a message is delivered
// by hand with `emit`) and a watchdog that only records. What is checked is the pool's
// bookkeeping after a member fails: which job hears what, which worker gets the lost cell, and
// that a cell is retried once only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPool } from '../../www/pool.js';

class FakeWorker {
  constructor(id) {
    this.id = id;
    this.posted = [];
    this.terminated = false;
    this.onmessage = null;
    this.onerror = null;
  }
  postMessage(msg) { this.posted.push(msg); }
  terminate() { this.terminated = true; }
  /** The worker posts `msg` to the page. */
  emit(msg) { this.onmessage({ data: msg }); }
  /** The worker's work failed (sweep-worker.js `fail`). */
  crash(message) { this.emit({ type: 'error', fatal: true, message }); }
}

/** A pool of fake workers and one job; `start: false` makes a job without the `start` hook (sweep.js). */
function setup({ start = true } = {}) {
  const workers = [];
  const pool = createPool((k) => `sweep${k ? `:${k}` : ''}`, {
    spawn: () => { const w = new FakeWorker(workers.length); workers.push(w); return w; },
    watch: () => () => {},
  });
  const sent = [];     // [worker id, cell index]
  const failures = []; // [worker id, reason, lost, { retrying, retried, replacing }, pool size]
  const started = [];  // worker ids the job was asked to start its session on
  const hooks = {
    onMessage: () => {},
    onFailed: (m, reason, lost, flags) => failures.push([m.worker.id, reason, lost, flags, pool.size]),
    send: (m, index) => sent.push([m.worker.id, index]),
  };
  if (start) hooks.start = (m) => { started.push(m.worker.id); };
  const job = pool.job(hooks);
  return { pool, job, workers, sent, failures, started };
}

const member = (pool, id) => pool.members.find((m) => m.worker.id === id);

test('a cell lost with its worker is retried once, on a fresh worker of the same name, once that worker holds the session', () => {
  const { pool, job, workers, sent, failures, started } = setup();
  pool.grow(1);
  job.reset();
  job.ready(member(pool, 0));
  job.deal([5, 6, 7]);
  assert.deepEqual(sent, [[0, 5]]);
  workers[0].crash('unreachable');
  assert.equal(workers[0].terminated, true);
  // The job hears of the loss before the fresh worker exists (the pool as the failure left it).
  assert.deepEqual(failures, [[0, 'the wasm code trapped (unreachable)', 5, { retrying: true, retried: false, replacing: true }, 0]]);
  assert.equal(pool.size, 1);
  const fresh = pool.members[0];
  assert.equal(fresh.worker.id, 1);
  assert.equal(fresh.name, 'sweep');
  assert.deepEqual(started, [1]);
  // Nothing is sent before it holds the session; then the lost cell first, then the queue.
  assert.deepEqual(sent, [[0, 5]]);
  job.ready(fresh);
  assert.deepEqual(sent, [[0, 5], [1, 5]]);
  assert.equal(job.done(fresh), 5);
  assert.deepEqual(sent, [[0, 5], [1, 5], [1, 6]]);
});

test('a retried cell lost again is reported as failed twice and not retried; the other cells go on', () => {
  const { pool, job, workers, sent, failures, started } = setup();
  pool.grow(1);
  job.reset();
  job.ready(member(pool, 0));
  job.deal([5, 6]);
  workers[0].crash('first');
  job.ready(member(pool, 1));
  assert.deepEqual(sent, [[0, 5], [1, 5]]);
  workers[1].crash('second');
  assert.deepEqual(failures[1], [1, 'second', 5, { retrying: false, retried: true, replacing: false }, 0]);
  assert.equal(pool.size, 0, 'no third worker for the same cell');
  assert.deepEqual(started, [1]);
  // A member grown back takes the next cell, not the one that failed twice.
  pool.grow(1);
  job.ready(pool.members[0]);
  assert.deepEqual(sent.at(-1), [2, 6]);
});

test('a fresh worker that fails before it holds the session loses its retry: the cell failed twice', () => {
  const { pool, job, workers, sent, failures } = setup();
  pool.grow(1);
  job.reset();
  job.ready(member(pool, 0));
  job.deal([3]);
  workers[0].crash('first');
  workers[1].crash('second, while starting');
  assert.deepEqual(failures.map((f) => f.slice(0, 4)), [
    [0, 'first', 3, { retrying: true, retried: false, replacing: true }],
    [1, 'second, while starting', 3, { retrying: false, retried: true, replacing: false }],
  ]);
  assert.deepEqual(sent, [[0, 3]]);
});

test('a job without a start hook hears of its lost cell at once, and nothing is retried (the batch-size sweep)', () => {
  const { pool, job, workers, sent, failures } = setup({ start: false });
  pool.grow(2);
  job.reset();
  for (const m of pool.members) job.ready(m);
  job.deal([0, 1, 2]);
  assert.deepEqual(sent, [[0, 0], [1, 1]]);
  workers[0].crash('boom');
  assert.deepEqual(failures, [[0, 'boom', 0, { retrying: false, retried: false, replacing: false }, 1]]);
  assert.equal(pool.size, 1);
  assert.equal(job.done(member(pool, 1)), 1);
  assert.deepEqual(sent.at(-1), [1, 2], 'the survivor takes the rest; cell 0 is not handed out again');
});

test('the other job hears of the failure without a lost cell, and a stopped job gets no retry', () => {
  const { pool, job, workers, sent, failures, started } = setup();
  const other = [];
  pool.job({ onMessage: () => {}, onFailed: (m, reason, lost, flags) => other.push([reason, lost, flags]), send: () => {} });
  pool.grow(1);
  job.reset();
  job.ready(member(pool, 0));
  job.deal([4, 5]);
  workers[0].crash('boom');
  assert.deepEqual(other, [['boom', null, { retrying: false, retried: false, replacing: true }]]);
  // The job is cancelled before the fresh worker holds its session: the retry is dropped.
  job.clear();
  job.ready(pool.members[0]);
  assert.deepEqual(sent, [[0, 4]]);
  assert.deepEqual(started, [1]);
  assert.equal(failures.length, 1);
});

test('a start hook that declines (its sweep stopped) leaves the fresh worker idle', () => {
  const { pool, job, workers, sent } = setup();
  job.hooks.start = () => false;
  pool.grow(1);
  job.reset();
  job.ready(member(pool, 0));
  job.deal([1, 2]);
  workers[0].crash('boom');
  assert.equal(pool.size, 1);
  job.ready(pool.members[0]);
  assert.deepEqual(sent, [[0, 1], [1, 2]], 'the fresh worker takes the queue, not the lost cell');
});

test('a member that fails holding no cell is replaced while a job runs: the fresh one starts the session and takes the cells', () => {
  const { pool, job, workers, sent, failures, started } = setup();
  pool.grow(1);
  job.reset();
  // It fails while starting the session (before it is ready): no cell is lost.
  workers[0].crash('while starting');
  assert.deepEqual(failures, [[0, 'while starting', null, { retrying: false, retried: false, replacing: true }, 0]]);
  assert.equal(pool.size, 1);
  assert.equal(pool.members[0].name, 'sweep', 'the same name (faults, tests)');
  assert.deepEqual(started, [1]);
  job.ready(pool.members[0]);
  job.deal([0, 1]);
  assert.deepEqual(sent, [[1, 0]]);
});

test('a replacement that fails again before it finishes a cell is not replaced; one that finished a cell is', () => {
  const { pool, job, workers, failures, started } = setup();
  pool.grow(1);
  job.reset();
  job.deal([7, 8]);
  workers[0].crash('first, while starting');
  // The replacement finishes a cell, then fails between cells: replaced again.
  job.ready(member(pool, 1));
  assert.equal(job.done(member(pool, 1)), 7);
  assert.equal(job.done(member(pool, 1)), 8);
  workers[1].crash('second, between cells');
  assert.equal(failures[1][3].replacing, true);
  assert.deepEqual(started, [1, 2]);
  // That replacement fails before it finishes anything: the fault repeats, no third worker.
  workers[2].crash('third, while starting');
  assert.deepEqual(failures[2], [2, 'third, while starting', null, { retrying: false, retried: false, replacing: false }, 0]);
  assert.equal(pool.size, 0);
  assert.deepEqual(started, [1, 2]);
});

test('a cell-less failure while no job runs (every start declines) leaves no fresh worker behind', () => {
  const { pool, job, workers, failures } = setup();
  job.hooks.start = () => false;
  pool.grow(1);
  workers[0].crash('between sweeps');
  assert.equal(failures[0][3].replacing, true);
  assert.equal(pool.size, 0);
  assert.equal(workers[1].terminated, true, 'the replacement nobody wanted is terminated');
});

test('a cell-less failure while the job says it is not running spawns no fresh worker at all', () => {
  const { pool, job, workers, failures, started } = setup();
  let running = false;
  job.hooks.running = () => running;
  pool.grow(1);
  workers[0].crash('between sweeps');
  assert.equal(failures[0][3].replacing, false);
  assert.equal(workers.length, 1, 'no worker spawned');
  assert.equal(pool.size, 0);
  assert.deepEqual(started, []);
  // While it runs, the same failure is replaced as before.
  running = true;
  pool.grow(1);
  workers[1].crash('during a sweep');
  assert.equal(failures[1][3].replacing, true);
  assert.equal(workers.length, 3);
  assert.deepEqual(started, [2]);
});

test('with two jobs, the fresh worker for a retried cell is offered both sessions', () => {
  const { pool, job, workers, sent, started } = setup();
  const otherStarted = [];
  const other = pool.job({ onMessage: () => {}, onFailed: () => {}, send: (m, index) => sent.push([m.worker.id, `other ${index}`]), start: (m) => { otherStarted.push(m.worker.id); } });
  pool.grow(1);
  job.reset();
  other.reset();
  job.ready(member(pool, 0));
  other.ready(member(pool, 0));
  job.deal([1]);
  other.deal([2]);
  workers[0].crash('boom');
  assert.deepEqual(started, [1]);
  assert.deepEqual(otherStarted, [1]);
  const fresh = pool.members[0];
  other.ready(fresh);
  assert.deepEqual(sent, [[0, 1]], 'the retry waits for its own job\'s session');
  job.ready(fresh);
  assert.deepEqual(sent, [[0, 1], [1, 1]]);
  job.done(fresh);
  assert.deepEqual(sent.at(-1), [1, 'other 2']);
});
