import type { Static } from '@sinclair/typebox';
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../lib/errors';
import type { AuditReportJson } from '../../services/store/routes/node-audits';
import type { NodeJson } from '../../services/store/routes/nodes';
import { callHub, configFrom, remoteFor, run, withCommonFlags, type CommonFlags } from '../common';
import { plainTable } from '../table';

type Report = Static<typeof AuditReportJson>;

export interface AuditStorageFlags extends CommonFlags {
  node?: string;
}

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

function seconds(r: Report): string {
  if (!r.finishedAt) return '';
  return ((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1);
}

/** The report `mxhub audit-storage` prints: one line per node, then one per replica found missing or corrupt. */
export function formatAuditReports(reports: Report[], skipped: Array<{ id: string; reason: string }> = []): string {
  let out = plainTable(
    ['NODE', 'STATE', 'CHECKED', 'VERIFIED', 'MISSING', 'CORRUPT', 'TAKEN', 'MiB', 'SECONDS'],
    [
      ...reports.map((r) => [
        r.network,
        r.state,
        String(r.checked),
        String(r.verified),
        String(r.missing),
        String(r.corrupt),
        String(r.taken),
        mib(r.bytes),
        seconds(r),
      ]),
      ...skipped.map((s) => [s.id, 'down', '', '', '', '', '', '', '']),
    ],
  );
  const problems = reports.flatMap((r) => r.problems.map((p) => ({ ...p, network: r.network })));
  if (problems.length > 0)
    out += `\n${plainTable(
      ['NODE', 'ASSET', 'FOUND', 'PATH', 'MOVED TO / REASON'],
      problems.map((p) => [p.network, p.assetId, p.state, p.path, p.movedTo ?? p.reason ?? '']),
    )}`;
  for (const r of reports) if (r.note) out += `${r.network}: ${r.note}\n`;
  for (const s of skipped) out += `${s.id}: not audited, the node is down (${s.reason})\n`;
  return out;
}

/** How long the hub may answer with another audit than the one started before the wait gives up. */
const LOST_AFTER_MS = 60_000;

/**
 * Starts the audit of one node and waits for its report: the one with the id
 * the start answered. Another hub process may answer meanwhile with an older
 * audit (the one running it answers for it until it ends and records it).
 */
export async function auditOne(
  ask: (method: 'POST' | 'GET', path: string) => Promise<Report>,
  id: string,
  pollMs = 250,
): Promise<Report> {
  const path = `/v1/nodes/${encodeURIComponent(id)}/audit`;
  const started = await ask('POST', path);
  let report = started;
  let elsewhereSince: number | undefined;
  while (report.id !== started.id || report.state === 'running') {
    if (report.id === started.id) elsewhereSince = undefined;
    else if (Date.now() - (elsewhereSince ??= Date.now()) > LOST_AFTER_MS)
      throw new Error(
        `the hub no longer answers for audit ${started.id} of node ${id} (the process running it may have stopped): ` +
          'run mxhub audit-storage again',
      );
    await sleep(pollMs);
    report = await ask('GET', path);
  }
  return report;
}

export function auditStorageCommand(program: Command): void {
  withCommonFlags(
    program
      .command('audit-storage')
      .description('re-hash every replica on the nodes (or one) now, through the running hub, and print what it found'),
  )
    .option('--node <network>', 'audit only this network’s node')
    .action((flags: AuditStorageFlags) =>
      run(async () => {
        const remote = remoteFor(flags, configFrom(flags));
        if (!remote)
          throw new ConfigError(
            'mxhub audit-storage talks to a running hub: start it (mxhub start --data DIR) or pass --url and --token',
          );
        const nodes = (await callHub<{ items: Array<Static<typeof NodeJson>> }>(remote, 'GET', '/v1/nodes')).items;
        const wanted = flags.node ? nodes.filter((n) => n.id === flags.node) : nodes;
        if (flags.node && wanted.length === 0)
          throw new ConfigError(`--node: no network '${flags.node}'; known: ${nodes.map((n) => n.id).join(', ')}`);
        const reports: Report[] = [];
        const skipped = wanted.filter((n) => n.state === 'down').map((n) => ({ id: n.id, reason: n.reason ?? '' }));
        // One node after another: each audit already runs at the hub's storage.audit.mbps cap.
        for (const n of wanted.filter((x) => x.state !== 'down'))
          reports.push(await auditOne((method, path) => callHub<Report>(remote, method, path), n.id));
        process.stdout.write(formatAuditReports(reports, skipped));
        const bad = reports.some((r) => r.missing + r.corrupt > 0 || r.state === 'failed') || skipped.length > 0;
        return bad ? 1 : 0;
      }),
    );
}
