// The spawner: a small Node process that starts the hub's ffmpeg and ffprobe children on its behalf (see
// spawner.ts for why). Plain CommonJS on purpose, like the worker-pool tasks: it is forked with Node's own loader,
// outside tsx, jest and the esbuild bundle, so one file serves all three and the process stays small (a fork
// costs in proportion to the forking process's memory).
//
// Messages in (from the hub): {op: 'start', id, file, args} and {op: 'kill', id, signal}.
// Messages out: {id, ev: 'out' | 'err', chunk} for the child's stdout and stderr, then once, last, {id, ev: 'end',
// code, signal} when it has ended or {id, ev: 'end', error: {code, message}} when it could not start.
'use strict';
const { spawn } = require('node:child_process');

/** Children running, by the hub's id. */
const children = new Map();

function send(message) {
  // The hub may be gone (it died, or it is stopping): its children are then killed below.
  if (process.connected) process.send(message);
}

function start({ id, file, args }) {
  let child;
  try {
    child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    send({ id, ev: 'end', error: { code: err.code, message: err.message } });
    return;
  }
  children.set(id, child);
  let error;
  child.stdout.on('data', (chunk) => send({ id, ev: 'out', chunk }));
  child.stderr.on('data', (chunk) => send({ id, ev: 'err', chunk }));
  // A child that cannot start (ENOENT) emits 'error' and then 'close'; the hub hears of it once.
  child.once('error', (err) => (error = { code: err.code, message: err.message }));
  child.once('close', (code, signal) => {
    children.delete(id);
    send(error ? { id, ev: 'end', error } : { id, ev: 'end', code, signal });
  });
}

process.on('message', (message) => {
  if (message.op === 'start') start(message);
  else if (message.op === 'kill') children.get(message.id)?.kill(message.signal);
});

// The hub ended (even by SIGKILL: the IPC channel closes with it): no child outlives it doing work nobody reads.
process.on('disconnect', () => {
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(0);
});
