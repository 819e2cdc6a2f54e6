import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors';
import { hashToken } from '../services/gateway/auth';
import { loadConfig } from './config';

// The rights keys of auth.tokens[] (issue 14 item 6): a viewer's browse scope names configured networks, and no
// token gets more than its role allows. The hub stops at start-up, naming the entry.
const dir = mkdtempSync(join(tmpdir(), 'mx-config-tokens-'));
let n = 0;
const withTokens = (tokens: object[]) => {
  const f = join(dir, `${n++}.json`);
  writeFileSync(f, JSON.stringify({ auth: { tokens } }));
  return () => loadConfig({ env: {}, file: f, flags: { data: dir } });
};
const token = (name: string, extra: object) => ({ name, sha256: hashToken(name), ...extra });

test('a scoped viewer without download and an operator without modify load as written', () => {
  const c = withTokens([
    token('desk', { role: 'viewer', networks: ['news'], canDownload: false }),
    token('ops', { role: 'operator', canModify: false }),
    token('plain', { role: 'viewer' }),
  ])();
  expect(
    c.tokens.map(({ name, networks, canDownload, canModify }) => ({ name, networks, canDownload, canModify })),
  ).toEqual([
    { name: 'desk', networks: ['news'], canDownload: false, canModify: undefined },
    { name: 'ops', networks: undefined, canDownload: undefined, canModify: false },
    { name: 'plain', networks: undefined, canDownload: undefined, canModify: undefined },
  ]);
});

test.each<[string, object[], RegExp]>([
  [
    'a network that is not configured',
    [token('a', { role: 'viewer' }), token('desk', { role: 'viewer', networks: ['news', 'sports'] })],
    /auth.tokens\[1\].networks \(token "desk"\): 'sports' is not a configured network \(configured: broadcast, archive, news\)/,
  ],
  [
    'an auditor with canModify',
    [token('aud', { role: 'auditor', canModify: true })],
    /auth.tokens\[0\].canModify: role auditor may not modify/,
  ],
  [
    'a viewer with canModify',
    [token('v', { role: 'viewer', canModify: true })],
    /auth.tokens\[0\].canModify: role viewer/,
  ],
  [
    'an admin scoped to networks',
    [token('adm', { role: 'admin', networks: ['news'] })],
    /auth.tokens\[0\].networks is only accepted for a viewer/,
  ],
  [
    'an empty scope',
    [token('v', { role: 'viewer', networks: [] })],
    /auth.tokens\[0\].networks must NOT have fewer than 1 items/,
  ],
  [
    'a right that is not a boolean',
    [token('v', { role: 'viewer', canDownload: 'no' })],
    /auth.tokens\[0\].canDownload must be boolean/,
  ],
])('%s stops the hub, naming the entry', (_name, tokens, message) => {
  const load = withTokens(tokens);
  expect(load).toThrow(ConfigError);
  expect(load).toThrow(message);
});
