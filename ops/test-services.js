#!/usr/bin/env node
// Brings up, idempotently, the local services the test suite needs that the
// machine does not run by itself: a single-node Kafka broker (ops/kafka) and
// clamd (ops/clamav). PostgreSQL and Redis are expected to be running.
// `node ops/test-services.js up|down`. In CI (CI=true) a service that cannot
// be started is an error: tests never skip for a missing service.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const action = process.argv[2] || 'up';
const services = [
  { name: 'kafka', dir: path.join(__dirname, 'kafka') },
  { name: 'clamd', dir: path.join(__dirname, 'clamav') },
];

let failed = false;
for (const s of services) {
  const script = path.join(s.dir, action === 'down' ? 'stop.sh' : 'start.sh');
  if (!fs.existsSync(script)) continue;
  const r = spawnSync('bash', [script], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`ops/test-services: ${s.name} ${action} failed (exit ${r.status}); see ${script}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
