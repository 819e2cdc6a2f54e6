import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '../../api/client';
import { useLiveEvents } from '../../api/live';

/** One asset's query under ['asset', id, part]; every part refreshes on a hub-event naming the asset. */
export function useAssetPart<T>(id: string, part: string, path: string, enabled = true) {
  return useQuery({ queryKey: ['asset', id, part], queryFn: () => api<T>('GET', path), enabled });
}

export function useAssetLive(id: string) {
  const client = useQueryClient();
  const filter = useCallback((e: { assetId?: string }) => e.assetId === id, [id]);
  const onEvent = useCallback(() => void client.invalidateQueries({ queryKey: ['asset', id] }), [client, id]);
  useLiveEvents(filter, onEvent);
}
