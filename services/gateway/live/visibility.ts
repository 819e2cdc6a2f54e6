import type { StoredEvent } from '../../../events/envelope';
import type { Principal } from '../auth';
import { visibleNetworks } from '../rights';

/** What the live stream says of one committed event: enough to know which views to refresh, never its data. */
export interface LiveEvent {
  position: string;
  stream: string;
  type: string;
  occurredAt: string;
  actor: string;
  assetId?: string;
  transferId?: string;
}

const idOf = (streamId: string, category: string) =>
  streamId.startsWith(`${category}-`) ? streamId.slice(category.length + 1) : undefined;

function dataString(data: unknown, key: string): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** The live view of an event: its asset and transfer ids come from the stream name or the event's data. */
export function liveEvent(e: StoredEvent): LiveEvent {
  const assetId = idOf(e.streamId, 'asset') ?? dataString(e.data, 'assetId');
  const transferId = idOf(e.streamId, 'transfer') ?? dataString(e.data, 'transferId');
  return {
    position: e.position.toString(),
    stream: e.streamId,
    type: e.type,
    occurredAt: e.metadata.occurredAt,
    actor: e.metadata.actor,
    ...(assetId ? { assetId } : {}),
    ...(transferId ? { transferId } : {}),
  };
}

// Streams about people (logins, user changes, token issues) are for admins
// and auditors only: an operator or a viewer has no business learning who
// logged in when.
const PEOPLE = ['user-', 'login-'];

/**
 * Whether `p` may be told of `e`. Admins and auditors see the whole log (they
 * read it anyway through `/v1/events`); operators all but the people streams;
 * viewers only what concerns an asset, and a scoped viewer only the assets it
 * sees (`assetNetworks` of the event's asset, looked up by the caller).
 * Fails closed: a role not named here sees nothing.
 */
export function maySee(p: Principal, e: LiveEvent, assetNetworks: readonly string[] | undefined): boolean {
  switch (p.role) {
    case 'admin':
    case 'auditor':
      return true;
    case 'operator':
      return !PEOPLE.some((prefix) => e.stream.startsWith(prefix));
    case 'viewer': {
      if (!e.assetId) return false;
      const scope = visibleNetworks(p);
      if (scope === undefined) return true;
      return assetNetworks !== undefined && assetNetworks.some((n) => scope.includes(n));
    }
    default:
      return false;
  }
}

/** Whether `p` is sent the transfers' live progress (those who see the transfer board). */
export const seesProgress = (p: Principal): boolean => ['admin', 'operator', 'auditor'].includes(p.role);
