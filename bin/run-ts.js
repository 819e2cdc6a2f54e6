#!/usr/bin/env node
// Runs a TypeScript file (benchmarks, ops helpers) with tsx: `node bin/run-ts.js FILE [args]`.
require('./threadpool');
require('tsx/cjs');
const path = require('node:path');
const file = process.argv[2];
if (!file) {
  console.error('usage: node bin/run-ts.js FILE.ts [args...]');
  process.exit(2);
}
process.argv.splice(1, 2, path.resolve(file));
require(path.resolve(file));
