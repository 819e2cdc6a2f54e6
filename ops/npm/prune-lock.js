#!/usr/bin/env node
// npm 11 `npm ci` refuses a lock whose packages name optional platform
// binaries that the lock lacks. npm leaves them out when the registry cannot
// serve them (here: @litko/yara-x has no darwin builds published), so a lock
// written by `npm install` on Linux fails `npm ci` everywhere. This drops
// those unresolvable optional edges from the lock. Run it after every
// `npm install` that changes package-lock.json: `node ops/npm/prune-lock.js`.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pruned = [];
for (const [where, pkg] of Object.entries(lock.packages)) {
  if (!pkg.optionalDependencies) continue;
  for (const name of Object.keys(pkg.optionalDependencies)) {
    const nested = `${where ? `${where}/` : ''}node_modules/${name}`;
    if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`]) {
      delete pkg.optionalDependencies[name];
      pruned.push(`${where || '(root)'} -> ${name}`);
    }
  }
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  pruned.length ? `pruned ${pruned.length} unresolvable optional edge(s):\n  ${pruned.join('\n  ')}` : 'lock is clean',
);
