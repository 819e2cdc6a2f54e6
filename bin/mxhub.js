#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx): `npm ci && npm start` needs no build step.
require('./threadpool');
require('tsx/cjs');
require('../cli/main.ts');
