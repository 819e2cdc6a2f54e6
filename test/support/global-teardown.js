// Removes the run's temporary root made by global-setup.js. A folder still
// mounted there (a test's tmpfs that it failed to unmount) is unmounted first.
const { execFileSync } = require('node:child_process');
const { readFileSync, rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  const root = process.env.MXHUB_TEST_TMP_ROOT;
  if (!root) return;
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((point) => point && point.startsWith(`${root}/`));
  for (const point of mounts) {
    try {
      execFileSync('umount', ['-l', point], { stdio: 'ignore' });
    } catch {
      // Not ours to unmount (no privilege): rm below skips what it cannot remove.
    }
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
};
