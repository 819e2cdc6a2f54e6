import { until, type AdminApi } from './api';

export interface AssetRow {
  assetId: string;
  originalName: string;
  state: string;
  title: string | null;
}

export interface TransferRow {
  id: string;
  assetId: string;
  state: string;
  lane: string;
  priority: number;
  targetNetwork: string;
}

/** The asset dropped as `name`, once the catalog lists it in one of `states` (any state when none given). */
export function assetNamed(api: AdminApi, name: string, states: string[] = [], timeoutMs = 90_000): Promise<AssetRow> {
  const find = async () => {
    const page = await api.get<{ items: AssetRow[] }>(`/v1/assets?limit=200`);
    return page.items.find((a) => a.originalName === name);
  };
  return until(
    `asset ${name}${states.length ? ` in state ${states.join('|')}` : ''}`,
    find,
    (a) => a !== undefined && (states.length === 0 || states.includes(a.state)),
    timeoutMs,
  ) as Promise<AssetRow>;
}

/** The queued transfers of the given assets into broadcast (paused by the setup), once all of them are queued. */
export async function queuedTransfers(api: AdminApi, assetIds: string[], timeoutMs = 90_000): Promise<TransferRow[]> {
  return until(
    `queued transfers of ${assetIds.length} assets`,
    async () => (await api.get<{ items: TransferRow[] }>('/v1/transfers?state=queued&limit=200')).items,
    (items) => assetIds.every((id) => items.some((t) => t.assetId === id)),
    timeoutMs,
  ).then((items) => items.filter((t) => assetIds.includes(t.assetId)));
}

/** Waits until the asset's browse proxy is served (its first byte answers 206). */
export async function proxyReady(url: string, token: string, assetId: string, timeoutMs = 120_000): Promise<void> {
  await until(
    `the proxy of asset ${assetId}`,
    async () =>
      (
        await fetch(`${url}/v1/assets/${assetId}/proxy`, {
          headers: { authorization: `Bearer ${token}`, range: 'bytes=0-0' },
        })
      ).status,
    (status) => status === 206,
    timeoutMs,
  );
}

/** The quarantined asset dropped as `name`. */
export function quarantined(api: AdminApi, name: string, timeoutMs = 90_000): Promise<AssetRow> {
  return until(
    `${name} in quarantine`,
    async () =>
      (await api.get<{ items: AssetRow[] }>('/v1/quarantine?limit=200')).items.find((a) => a.originalName === name),
    (a) => a !== undefined,
    timeoutMs,
  ) as Promise<AssetRow>;
}
