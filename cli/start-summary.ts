import type { Hub } from '../hub/build';

const mbps = (v: number | null) => (v === null ? 'unlimited' : `${v} Mbit/s`);

/**
 * What a starting hub prints whatever the log level: where it listens and the
 * settings in effect, including the lane channels admins changed at run time
 * (kept in the log, applied at start).
 */
export function startSummary(
  hub: Pick<Hub, 'config' | 'transfer' | 'adminToken' | 'sql' | 'backbone' | 'engines'>,
  url: string,
): string {
  const { config } = hub;
  const channels = hub.transfer.controls.channels();
  const paused = config.networks.map((n) => n.id).filter((id) => hub.transfer.controls.isPaused(id));
  const token = hub.adminToken?.file
    ? `${hub.adminToken.file}${hub.adminToken.created ? ' (written now)' : ''}`
    : hub.adminToken
      ? 'MXHUB_ADMIN_TOKEN'
      : 'an admin entry of auth.tokens[]';
  return [
    `mxhub listening on ${url}`,
    `  profile    ${config.profile} (store ${hub.sql.kind}, backbone ${hub.backbone.kind}), data ${config.dataDir}`,
    `  engines    ${hub.engines.scanning.join(' + ')}${hub.engines.missing.length ? `; NOT SCANNING: ${hub.engines.missing.join(', ')} (unreachable at start)` : ''}`,
    `  lanes      urgent ${channels.urgent} channels (${mbps(config.transfer.laneMbps.urgent)}), normal ${channels.normal} channels (${mbps(config.transfer.laneMbps.normal)})`,
    `  networks   ${config.networks.map((n) => n.id).join(', ')}${paused.length ? `; paused: ${paused.join(', ')}` : ''}`,
    `  admin      ${token}`,
    '',
  ].join('\n');
}
