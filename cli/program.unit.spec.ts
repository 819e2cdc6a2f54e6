import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { buildProgram, COMMANDS, mxhubVersion } from './program';

const argv = (...args: string[]) => ['node', 'mxhub', ...args];

async function everyCommandLoaded(): Promise<Command> {
  const program = new Command('mxhub')
    .description('media exchange hub: screening and transfer between broadcast networks')
    .version(mxhubVersion(), '-V, --version', 'print the version');
  for (const command of COMMANDS) command.load()(program);
  return program;
}

describe('the mxhub program loads only the command it runs', () => {
  test('given --help, when built, then its help is that of every command loaded, without loading one', async () => {
    const loaded: string[] = [];
    const spied = COMMANDS.map((c) => ({ ...c, load: () => (loaded.push(c.name), c.load()) }));
    const lazy = buildProgram(argv('--help'), spied);
    expect(loaded).toEqual([]);
    expect(lazy.helpInformation()).toBe((await everyCommandLoaded()).helpInformation());
  });

  test.each([
    [['tasks', 'list'], 'tasks'],
    [['help', 'scan-media'], 'scan-media'],
  ])('given %j, when built, then only %s is registered in full', async (args, name) => {
    const loaded: string[] = [];
    const spied = COMMANDS.map((c) => ({ ...c, load: () => (loaded.push(c.name), c.load()) }));
    const program = buildProgram(argv(...args), spied);
    expect(loaded).toEqual([name]);
    const full = (await everyCommandLoaded()).commands.find((c) => c.name() === name)!;
    expect(program.commands.find((c) => c.name() === name)!.helpInformation()).toBe(full.helpInformation());
  });
});

test('mxhub --version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  expect(mxhubVersion()).toBe(pkg.version);
});
