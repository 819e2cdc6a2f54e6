#!/usr/bin/env node
// Builds the console into console/dist with vite, only when its inputs changed: a hash of src/, index.html,
// the vite config and the lockfile is kept in dist/.build-hash so `npm start` stays fast.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const dist = path.join(here, 'dist');
const hashFile = path.join(dist, '.build-hash');

function files(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function inputsHash() {
  const h = crypto.createHash('sha256');
  const inputs = [
    ...files(path.join(here, 'src')),
    path.join(here, 'index.html'),
    path.join(here, 'vite.config.ts'),
    path.join(here, '..', 'package-lock.json'),
  ];
  for (const f of inputs) {
    if (!fs.existsSync(f)) continue;
    h.update(path.relative(here, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

/** Builds console/dist unless it is up to date; resolves to true when it built. */
async function ensureConsoleBuilt({ force = false, quiet = false } = {}) {
  const hash = inputsHash();
  const current = fs.existsSync(hashFile) ? fs.readFileSync(hashFile, 'utf8').trim() : '';
  if (!force && current === hash && fs.existsSync(path.join(dist, 'index.html'))) {
    if (!quiet) console.log('console: up to date (console/dist)');
    return false;
  }
  const started = Date.now();
  process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING ??= 'true';
  const { build } = await import('vite');
  await build({ configFile: path.join(here, 'vite.config.ts'), logLevel: 'warn' });
  fs.writeFileSync(hashFile, hash + '\n');
  console.log(`console: built console/dist in ${Date.now() - started} ms`);
  return true;
}

module.exports = { ensureConsoleBuilt };

if (require.main === module)
  ensureConsoleBuilt({ force: process.argv.includes('--force') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
