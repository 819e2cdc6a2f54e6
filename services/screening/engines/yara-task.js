// The worker-thread side of the YARA-X engine (yara.ts): scans run here, on a thread of lib/worker-pool, because
// @litko/yara-x's scanFileAsync, though asynchronous, held the main thread for about 4 s per GiB scanned
// (profiled: issue 12), which stalled the clamd stream and every request meanwhile. Plain CommonJS on
// purpose: see lib/worker-pool/worker-pool.ts.
'use strict';
const { compile } = require('@litko/yara-x');

/** Compiled rule sets of this worker, by the digest of their sources: compiled once, on first use. */
const compiled = new Map();

/**
 * Scans the file at `path` with the rules `source` (whose digest is `key`) and returns the matching rules'
 * names and descriptions only: match data is file content and never leaves the worker.
 */
function scanFile({ key, source, path }) {
  let rules = compiled.get(key);
  if (!rules) {
    rules = compile(source);
    compiled.set(key, rules);
  }
  return rules.scanFile(path).map((m) => ({
    ruleIdentifier: m.ruleIdentifier,
    ...(typeof m.meta?.description === 'string' ? { description: m.meta.description } : {}),
  }));
}

module.exports = { scanFile };
