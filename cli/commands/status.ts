import type { Command } from 'commander';
import pino from 'pino';
import prettyMs from 'pretty-ms';
import { allProjections, createProjectionRunner } from '../../events/projections';
import { readStatus, type HubStatus } from '../../services/audit/status';
import { run, viaHubOrStore, withCommonFlags, type CommonFlags } from '../common';
import { plainTable } from '../table';

/** Active here, active in another process (by its lock), standing by, or not running anywhere. */
function relayState(r: HubStatus['relay']): string {
  if (r.active === null) return 'unknown';
  if (!r.active) return r.healthy === null ? 'no relay running' : 'standby';
  return r.heldBy !== undefined ? `active, database session ${r.heldBy}` : 'active';
}

function print(s: HubStatus, json: boolean | undefined): void {
  if (json) return void process.stdout.write(`${JSON.stringify(s)}\n`);
  const lines = [
    `store      ${s.store.kind}, ${s.store.events} events, head position ${s.store.headPosition}`,
    `relay      position ${s.relay.position} (${relayState(s.relay)})${s.relay.lastError ? `, last error: ${s.relay.lastError}` : ''}`,
    `checkpoints ${s.checkpoints.count} signed, last at ${s.checkpoints.lastPosition ?? '-'}`,
    `assets     ${
      Object.entries(s.assets ?? {})
        .map(([state, n]) => `${n} ${state}`)
        .join(', ') || 'none'
    }`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (s.projections.length === 0) return;
  const rows = s.projections.map((p) => [
    p.name,
    p.position,
    `${p.lagEvents} events`,
    prettyMs(p.lagSeconds * 1000, { secondsDecimalDigits: 1 }),
  ]);
  process.stdout.write(plainTable(['PROJECTION', 'POSITION', 'LAG', 'LAG TIME'], rows));
}

export function statusCommand(program: Command): void {
  withCommonFlags(program.command('status').description('store position, relay position, projection lag'))
    .option('--json', 'print as JSON')
    .action((flags: CommonFlags) =>
      run(async () => {
        const status = await viaHubOrStore<HubStatus>(flags, { method: 'GET', path: '/v1/status' }, async (storage) => {
          const runner = createProjectionRunner({
            ...storage,
            projections: allProjections(),
            logger: pino({ level: 'silent' }),
          });
          return readStatus({ ...storage, projections: runner });
        });
        print(status, flags.json);
      }),
    );
}
