import type { Command } from 'commander';
import pino from 'pino';
import { allProjections, createProjectionRunner } from '../../events/projections';
import { replayAndCompare, type ReplayReport } from '../../events/projections/replay';
import { progressBar } from '../progress';
import { run, viaHubOrStore, withCommonFlags, type CommonFlags } from '../common';

function print(report: ReplayReport, json: boolean | undefined): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.equal ? 0 : 1;
  }
  process.stdout.write(`replayed ${report.events} events into fresh read models\n`);
  for (const t of report.tables) {
    const same = t.onlyLive === 0 && t.onlyReplay === 0;
    const detail = same
      ? 'equal'
      : `${t.onlyLive} live row(s) differ, ${t.onlyReplay} replayed row(s) differ; keys: ${t.sampleKeys.join(', ')}`;
    process.stdout.write(`  ${t.table}: ${detail}\n`);
  }
  process.stdout.write(report.equal ? 'read models match the log\n' : 'read models DIFFER from the log\n');
  return report.equal ? 0 : 1;
}

export function replayCommand(program: Command): void {
  withCommonFlags(
    program
      .command('replay')
      .description('rebuild every read model from the log into fresh tables and compare with the live ones'),
  )
    .option('--json', 'print the report as JSON')
    .action((flags: CommonFlags) =>
      run(async () => {
        const report = await viaHubOrStore<ReplayReport>(
          flags,
          { method: 'POST', path: '/v1/log/replay' },
          async (storage) => {
            const projections = allProjections();
            // A stopped hub may have left projections behind the log: bring them up to date first.
            await createProjectionRunner({ ...storage, projections, logger: pino({ level: 'silent' }) }).catchUp();
            const bar = progressBar('replaying', !flags.json);
            const result = await replayAndCompare({ ...storage, projections }, bar.update);
            bar.stop();
            return result;
          },
        );
        return print(report, flags.json);
      }),
    );
}
