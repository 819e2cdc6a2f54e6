import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BUILD = join(__dirname, '..', '..', 'bin', 'build.js');

/** Runs `code` in a fresh node with `build` (bin/build.js) and `root` in scope; returns its stdout. */
function node(root: string, code: string): string {
  const script = `const build = require(${JSON.stringify(BUILD)}); const root = ${JSON.stringify(root)};
    (async () => { ${code} })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

const buildAndRun = (root: string) =>
  node(root, `const out = await build.build(root, { mxhub: 'cli/main.ts' }); require(out.mxhub);`);
const isCurrent = (root: string) => node(root, `console.log(build.currentBuild(root) !== undefined);`) === 'true';

/** bin/build.js on a small tree of its own: the rule that keeps the compiled hub from running stale code. */
describe('the compiled build', () => {
  const root = mkdtempSync(join(tmpdir(), 'mxhub-e2e-build-'));
  const asset = join(root, 'lib', 'asset.ts');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeAll(() => {
    mkdirSync(join(root, 'cli'), { recursive: true });
    mkdirSync(join(root, 'lib'), { recursive: true });
    writeFileSync(join(root, 'cli', 'main.ts'), "import { read } from '../lib/asset';\nconsole.log(read());\n");
    writeFileSync(join(root, 'lib', 'rule.yar'), 'beside the source');
    writeFileSync(
      asset,
      "import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\n" +
        "export const read = (): string => `${readFileSync(join(__dirname, 'rule.yar'), 'utf8')} v1`;\n",
    );
  });

  test('given a source reading a file beside it by __dirname, when compiled, then it finds it there', () => {
    expect(buildAndRun(root)).toBe('beside the source v1');
    expect(isCurrent(root)).toBe(true);
  });

  test('given a new file nothing imports, then the build stays current', () => {
    writeFileSync(join(root, 'lib', 'unused.ts'), 'export const x = 1;\n');
    expect(isCurrent(root)).toBe(true);
  });

  test('given an input rewritten to the same size and mtime through a rename, then the build is stale', () => {
    const { mtime } = statSync(asset);
    writeFileSync(`${asset}.new`, readFileSync(asset, 'utf8').replace('v1', 'v2'));
    renameSync(`${asset}.new`, asset);
    utimesSync(asset, mtime, mtime);
    expect(isCurrent(root)).toBe(false);
    expect(buildAndRun(root)).toBe('beside the source v2');
  });

  test('given a source that does not parse, then there is no build (bin/mxhub.js runs tsx, which names the error)', () => {
    writeFileSync(asset, 'export const read = (: string => 1;\n');
    const result = node(root, `console.log(await build.ensureBuild(root, { mxhub: 'cli/main.ts' }));`);
    expect(result).toBe('undefined');
  });

  test('given an input edited in place, or removed, then the build is stale', () => {
    writeFileSync(asset, "export const read = (): string => 'v3';\n");
    expect(isCurrent(root)).toBe(false);
    expect(buildAndRun(root)).toBe('v3');
    rmSync(asset);
    expect(isCurrent(root)).toBe(false);
  });
});
