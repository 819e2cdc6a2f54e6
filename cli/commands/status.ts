import type { Command } from 'commander';
import pino from 'pino';
import { allProjections, createProjectionRunner } from '../../events/projections';
import { openStorage } from '../../hub/storage';
import { readStatus, type HubStatus } from '../../services/audit/status';
import { callHub, configFrom, remoteFor, run, withCommonFlags, type CommonFlags } from '../common';

function print(s: HubStatus, json: boolean | undefined): void {
  if (json) return void process.stdout.write(`${JSON.stringify(s)}\n`);
  const lines = [
    `store      ${s.store.kind}, ${s.store.events} events, head position ${s.store.headPosition}`,
    `relay      position ${s.relay.position}${s.relay.active === null ? ' (hub not running)' : s.relay.active ? ' (active)' : ' (standby)'}${s.relay.lastError ? `, last error: ${s.relay.lastError}` : ''}`,
    ...s.projections.map(
      (p) => `projection ${p.name.padEnd(10)} position ${p.position}, lag ${p.lagEvents} events / ${p.lagSeconds} s`,
    ),
    `checkpoints ${s.checkpoints.count} signed, last at ${s.checkpoints.lastPosition ?? '-'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function statusCommand(program: Command): void {
  withCommonFlags(program.command('status').description('store position, relay position, projection lag'))
    .option('--json', 'print as JSON')
    .action((flags: CommonFlags) =>
      run(async () => {
        const config = configFrom(flags);
        const remote = remoteFor(flags, config);
        if (remote) return print(await callHub<HubStatus>(remote, 'GET', '/v1/status'), flags.json);
        const storage = await openStorage(config);
        try {
          const runner = createProjectionRunner({
            ...storage,
            projections: allProjections(),
            logger: pino({ level: 'silent' }),
          });
          print(await readStatus({ ...storage, projections: runner }), flags.json);
        } finally {
          await storage.close();
        }
      }),
    );
}
