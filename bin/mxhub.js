#!/usr/bin/env node
// Runs the compiled hub from .mxhub-build/, rebuilt first when any of its sources
// changed (the rule is in bin/build.js), or the TypeScript sources through tsx when
// it cannot be built or MXHUB_TSX=1 asks for them: `npm ci && npm start` needs no
// separate build step, and an edited source never runs as stale JavaScript.
require('./threadpool');

function runSources() {
  require('tsx/cjs');
  require('../cli/main.ts');
}

/** `start` serves console/dist, whose file list is read once: build the console first when its sources changed. */
const starting = process.argv[2] === 'start';
function consoleReady() {
  return require('../console/build.js')
    .ensureConsoleBuilt({ quiet: true })
    .catch((err) => process.stderr.write(`mxhub: console not built: ${err instanceof Error ? err.message : err}\n`));
}

if (process.env.MXHUB_TSX === '1') {
  if (starting) consoleReady().then(runSources);
  else runSources();
} else {
  const { currentBuild, ensureBuild } = require('./build');
  const run = (outputs) => {
    if (!outputs) return runSources();
    process.setSourceMapsEnabled(true);
    require(outputs.mxhub);
  };
  const current = currentBuild();
  if (starting)
    consoleReady()
      .then(() => current ?? ensureBuild())
      .then(run);
  else if (current) run(current);
  else ensureBuild().then(run);
}
