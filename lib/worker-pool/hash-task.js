// Worker-thread tasks of lib/worker-pool: SHA-256 of whole files, off the main thread. Plain CommonJS on
// purpose: see worker-pool.ts. Reads are synchronous here; the worker has nothing else to do meanwhile.
'use strict';
const { createHash } = require('node:crypto');
const { Buffer } = require('node:buffer');
const fs = require('node:fs');

const CHUNK = 4 * 1024 * 1024;

/** SHA-256 and size of the file at `path`; the size is the bytes hashed, so the two describe one content. */
function sha256File({ path }) {
  const fd = fs.openSync(path, 'r');
  try {
    return hashFrom(fd, undefined);
  } finally {
    fs.closeSync(fd);
  }
}

/** SHA-256 and size of what the open descriptor `fd` holds from its start (the caller keeps it open). */
function sha256Fd({ fd }) {
  return hashFrom(fd, undefined);
}

/**
 * Copies from the open descriptor `fd` (the caller's, held open by it; descriptors are shared by every thread
 * of the process) into a new file `to` (0600, created exclusively), hashing the bytes in the same pass, then
 * fsyncs the copy. What the hash describes is exactly what the copy holds.
 */
function copyAndHash({ fd, to }) {
  const out = fs.openSync(to, 'wx', 0o600);
  try {
    const result = hashFrom(fd, out);
    fs.fdatasyncSync(out);
    return result;
  } finally {
    fs.closeSync(out);
  }
}

function hashFrom(fd, out) {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  let sizeBytes = 0;
  for (;;) {
    const bytesRead = fs.readSync(fd, buffer, 0, buffer.length, sizeBytes);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    if (out !== undefined) writeAll(out, buffer, bytesRead, sizeBytes);
    sizeBytes += bytesRead;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

function writeAll(out, buffer, length, position) {
  for (let done = 0; done < length;) done += fs.writeSync(out, buffer, done, length - done, position + done);
}

module.exports = { sha256File, sha256Fd, copyAndHash };
