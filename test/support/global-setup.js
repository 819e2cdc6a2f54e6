// Every test file makes its folders under one temporary root per run
// (os.tmpdir() follows TMPDIR), and global-teardown.js removes it whole, also
// when tests fail: `npm test` leaves nothing behind in /tmp.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  const root = mkdtempSync(join(tmpdir(), 'mxhub-test-run-'));
  process.env.MXHUB_TEST_TMP_ROOT = root;
  // Services started before the run (ops/test-services.js: clamd's socket) keep their folders where they are.
  process.env.MXHUB_TEST_ORIGINAL_TMPDIR = tmpdir();
  process.env.TMPDIR = root;
};
