#!/usr/bin/env node
/*
 * The compiled hub: cli/main.ts and every source file it imports, bundled by
 * esbuild into one CommonJS file in .mxhub-build/ (git-ignored), so that a
 * start loads JavaScript instead of transpiling ~200 files through tsx.
 *
 * The rule that keeps it from ever running stale code: a build is current only
 * while every file that went into it (each source esbuild loaded, this script
 * and tsconfig.json, listed in .mxhub-build/manifest.json) still has the size,
 * mtime and inode it had when it was read, under the same esbuild and Node
 * major version. Each file is stat'ed before it is read, so an edit during a
 * build shows at the next check. A new file counts only once some input
 * imports it, and that import is an edit. Checking costs one stat per input (a
 * few milliseconds); a stale build is rebuilt (some 300 ms) before the hub
 * loads; when esbuild is missing or a build fails (a source being edited does
 * not parse), bin/mxhub.js runs the sources through tsx instead, which reports
 * the error.
 *
 * `__dirname` and `__filename` in a source file keep meaning that source's
 * folder and file (YARA rules, templates, anything found beside the code), so
 * assets are read where they are in the tree, never copied.
 *
 * `node bin/build.js` builds if stale (npm's `prepare` runs it), then makes
 * the embedded database's template (hub/pglite-template.ts) and builds the
 * console (console/build.js, by its own hash of its inputs).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const outDir = (root) => path.join(root, '.mxhub-build');
const manifestFile = (root) => path.join(outDir(root), 'manifest.json');
const ENTRIES = { mxhub: 'cli/main.ts', 'pglite-template': 'hub/pglite-template.ts' };

function esbuildVersion() {
  try {
    return require('esbuild/package.json').version;
  } catch {
    return undefined;
  }
}

const buildKey = (version) => `esbuild ${version}:node ${process.versions.node.split('.')[0]}`;

/** [size, mtimeMs, ino] of a file, or undefined when it is gone. */
function fingerprint(file) {
  try {
    const s = fs.statSync(file);
    return [s.size, s.mtimeMs, s.ino];
  } catch {
    return undefined;
  }
}

/** The outputs of the current build ({mxhub, 'pglite-template'} → absolute path), or undefined when stale. */
function currentBuild(root = ROOT) {
  const version = esbuildVersion();
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile(root), 'utf8'));
  } catch {
    return undefined;
  }
  if (!version || manifest.key !== buildKey(version)) return undefined;
  for (const [file, recorded] of Object.entries(manifest.inputs)) {
    const now = fingerprint(path.join(root, file));
    if (!now || now.some((v, i) => v !== recorded[i])) return undefined;
  }
  const outputs = {};
  for (const [name, file] of Object.entries(manifest.outputs)) {
    outputs[name] = path.join(outDir(root), file);
    if (!fs.existsSync(outputs[name])) return undefined;
  }
  return outputs;
}

/**
 * esbuild plugin: reads each TypeScript source itself, stat first, and gives a
 * source that names `__dirname` or `__filename` its own values, on its first
 * line so the source map's lines stay true.
 */
function sourcesPlugin(root, inputs) {
  return {
    name: 'mxhub-sources',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const rel = path.relative(root, args.path);
        inputs[rel] = fingerprint(args.path);
        let contents = fs.readFileSync(args.path, 'utf8');
        if (/\b__(dirname|filename)\b/.test(contents)) {
          const dir = JSON.stringify(path.dirname(rel));
          contents =
            `const __dirname = __mxhubSource(${dir}), __filename = __mxhubSource(${JSON.stringify(rel)});` + contents;
        }
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * Builds `entries` ({name: source}) of `root` into its .mxhub-build/ and returns
 * their outputs; throws when esbuild is missing or a source does not build.
 */
async function build(root = ROOT, entries = ENTRIES) {
  const esbuild = require('esbuild');
  const inputs = {};
  // The build's own settings are inputs too: this script, and the tsconfig.json esbuild reads.
  for (const file of [path.join(__dirname, 'build.js'), path.join(root, 'tsconfig.json')]) {
    const stat = fingerprint(file);
    if (stat) inputs[path.relative(root, file)] = stat;
  }
  const id = `${Date.now().toString(36)}-${process.pid}`;
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.entries(entries).map(([name, file]) => ({ in: file, out: `${name}-${id}` })),
    outdir: outDir(root),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    // Class and function names stay as written: errors are told apart by name.
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    // The root is taken on the first line, before a source's own `__dirname` (hoisted as a `var` of the
    // bundle's scope) is assigned.
    banner: {
      js: `const __mxhubRoot = require('node:path').join(__dirname, '..'), __mxhubSource = (p) => require('node:path').join(__mxhubRoot, p);`,
    },
    plugins: [sourcesPlugin(root, inputs)],
    write: false,
    logLevel: 'silent',
  });
  fs.mkdirSync(outDir(root), { recursive: true });
  for (const file of result.outputFiles) fs.writeFileSync(file.path, file.contents);
  const outputs = Object.fromEntries(Object.keys(entries).map((name) => [name, `${name}-${id}.js`]));
  const tmp = `${manifestFile(root)}.${id}`;
  fs.writeFileSync(tmp, JSON.stringify({ key: buildKey(esbuildVersion()), outputs, inputs }));
  fs.renameSync(tmp, manifestFile(root));
  removeOldBuilds(outDir(root), new Set(Object.values(outputs)));
  return Object.fromEntries(Object.entries(outputs).map(([name, file]) => [name, path.join(outDir(root), file)]));
}

/** Removes superseded bundles, once old enough that no starting process is still about to load them. */
function removeOldBuilds(out, keep) {
  const before = Date.now() - 60_000;
  for (const name of fs.readdirSync(out)) {
    if (!/\.js(\.map)?$/.test(name) || keep.has(name.replace(/\.map$/, ''))) continue;
    const file = path.join(out, name);
    const stat = fingerprint(file);
    if (stat && stat[1] < before) fs.rmSync(file, { force: true });
  }
}

/** The current build, rebuilt first if stale; undefined when it cannot be built (run the sources with tsx). */
async function ensureBuild(root = ROOT, entries = ENTRIES) {
  const current = currentBuild(root);
  if (current) return current;
  try {
    return await build(root, entries);
  } catch {
    return undefined;
  }
}

module.exports = { ensureBuild, currentBuild, build };

if (require.main === module) {
  (async () => {
    const outputs = currentBuild() ?? (await build());
    process.stdout.write(`mxhub: compiled ${path.relative(ROOT, outputs.mxhub)}\n`);
    const template = await require(outputs['pglite-template']).ensurePGliteTemplate();
    if (template) process.stdout.write(`mxhub: embedded database template in ${path.relative(ROOT, template)}\n`);
    // The console's pages (console/dist), so that `npm ci && npm start` serves a working console.
    await require('../console/build.js').ensureConsoleBuilt();
  })().catch((err) => {
    // Not fatal to an install: bin/mxhub.js runs the sources through tsx until a build succeeds.
    process.stderr.write(`mxhub: not compiled, running through tsx: ${err instanceof Error ? err.message : err}\n`);
  });
}
