import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, Help } from 'commander';

/** mxhub's version, from its package.json: the nearest one named mxhub above this file (source or build). */
export function mxhubVersion(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mxhub' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

type Register = (program: Command) => void;

/** One `mxhub` command as `mxhub --help` lists it, and the module that registers it in full. */
export interface CommandEntry {
  name: string;
  /** The command with its arguments, as help lists it. */
  term: string;
  summary: string;
  load(): Register;
}

/**
 * Every command, in help order. A command's module is loaded only when that
 * command runs (or its own help is asked for): loading them all loads the
 * whole hub (fastify, PGlite, KafkaJS, BullMQ and the rest, a second or more)
 * just to print `mxhub --help`. cli/program.unit.spec.ts holds this table to
 * the commands themselves.
 *
 * require(), not import(): under tsx's CommonJS hook (bin/mxhub.js without a
 * build, bin/run-ts.js) import() goes to Node's ESM loader, which does not
 * resolve TypeScript; esbuild bundles a require() as lazily as an import().
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const COMMANDS: CommandEntry[] = [
  {
    name: 'start',
    term: 'start [options]',
    summary: 'run the hub (embedded profile unless configured for production)',
    load: () => (require('./commands/start') as typeof import('./commands/start')).startCommand,
  },
  {
    name: 'replay',
    term: 'replay [options]',
    summary: 'rebuild every read model from the log into fresh tables and compare with the live ones',
    load: () => (require('./commands/replay') as typeof import('./commands/replay')).replayCommand,
  },
  {
    name: 'verify',
    term: 'verify [options]',
    summary:
      'check every hash chain and signed checkpoint, and the database against the exported checkpoints; exit 1 ' +
      'naming the first problem',
    load: () => (require('./commands/verify') as typeof import('./commands/verify')).verifyCommand,
  },
  {
    name: 'status',
    term: 'status [options]',
    summary: 'store position, relay position, projection lag',
    load: () => (require('./commands/status') as typeof import('./commands/status')).statusCommand,
  },
  {
    name: 'tasks',
    term: 'tasks',
    summary: 'view and control transfer tasks through the running hub',
    load: () => (require('./commands/tasks') as typeof import('./commands/tasks')).tasksCommand,
  },
  {
    name: 'assets',
    term: 'assets',
    summary: 'assets through the running hub: state, verdicts, transfers',
    load: () => (require('./commands/assets') as typeof import('./commands/assets')).assetsCommand,
  },
  {
    name: 'quarantine',
    term: 'quarantine [options]',
    summary: 'refused assets with the stage, rule and reason',
    load: () => (require('./commands/assets') as typeof import('./commands/assets')).quarantineCommand,
  },
  {
    name: 'release',
    term: 'release [options] <id>',
    summary: 'release a quarantined asset: rescreen it, or clear it as it is',
    load: () => (require('./commands/assets') as typeof import('./commands/assets')).releaseCommand,
  },
  {
    name: 'send',
    term: 'send [options] <asset>',
    summary: 'send a cleared asset to a network by hand, through the running hub',
    load: () => (require('./commands/send') as typeof import('./commands/send')).sendCommand,
  },
  {
    name: 'fetch',
    term: 'fetch [options] <asset>',
    summary: "bring an asset onto a network's node (its cache/) from the nearest copy, through the running hub",
    load: () => (require('./commands/fetch') as typeof import('./commands/fetch')).fetchCommand,
  },
  {
    name: 'subscriptions',
    term: 'subscriptions',
    summary: 'rules by which a network receives cleared assets, through the running hub',
    load: () => (require('./commands/subscriptions') as typeof import('./commands/subscriptions')).subscriptionsCommand,
  },
  {
    name: 'users',
    term: 'users',
    summary: 'console and API users: add, list, disable, reset-password, set-role',
    load: () => (require('./commands/users') as typeof import('./commands/users')).usersCommand,
  },
  {
    name: 'audit-storage',
    term: 'audit-storage [options]',
    summary: 're-hash every replica on the nodes (or one) now, through the running hub, and print what it found',
    load: () => (require('./commands/audit-storage') as typeof import('./commands/audit-storage')).auditStorageCommand,
  },
  {
    name: 'scan-media',
    term: 'scan-media [options] <path>',
    summary: 'screen every file of a mounted card, disk or USB stick; --ingest hands the cleared ones to the hub',
    load: () => (require('./commands/scan-media') as typeof import('./commands/scan-media')).scanMediaCommand,
  },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The `mxhub` program for `argv`: the command it names (`mxhub X ...` or
 * `mxhub help X`) registered in full, every other one as its help line.
 */
export function buildProgram(argv: string[], commands: CommandEntry[] = COMMANDS): Command {
  const program = new Command('mxhub')
    .description('media exchange hub: screening and transfer between broadcast networks')
    .version(mxhubVersion(), '-V, --version', 'print the version')
    .showHelpAfterError();
  const named = argv[2] === 'help' ? argv[3] : argv[2];
  const stubTerms = new Map<Command, string>();
  for (const command of commands) {
    if (command.name === named) command.load()(program);
    else stubTerms.set(program.command(command.name).description(command.summary), command.term);
  }
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => stubTerms.get(cmd) ?? help.subcommandTerm(cmd) });
  return program;
}
