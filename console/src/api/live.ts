import { useEffect, useRef, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';

export interface HubEvent {
  position: string | number;
  stream: string;
  type: string;
  occurredAt: string;
  actor: string;
  assetId?: string;
  transferId?: string;
}
export interface TransferProgress {
  bytesDone?: number;
  bytesTotal?: number | null;
  bytesPerSecond?: number | null;
  etaSeconds?: number | null;
  step?: string | null;
  rendering?: { fraction?: number; speed?: number };
  [k: string]: unknown;
}

type Listener = (kind: 'hub-event' | 'progress', data: unknown) => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;

// One EventSource for the whole console: opened with the first listener, closed with the last. EventSource
// reconnects by itself after a drop; when the browser gives up (CLOSED) we open a new one after a pause.
function open() {
  if (source) return;
  const es = new EventSource('/v1/stream', { withCredentials: true });
  source = es;
  const emit = (kind: 'hub-event' | 'progress') => (m: MessageEvent) => {
    let data: unknown;
    try {
      data = JSON.parse(m.data as string);
    } catch {
      return;
    }
    for (const l of listeners) l(kind, data);
  };
  es.addEventListener('hub-event', emit('hub-event'));
  es.addEventListener('progress', emit('progress'));
  es.onerror = () => {
    if (es.readyState !== EventSource.CLOSED) return;
    source = null;
    setTimeout(() => listeners.size > 0 && open(), 5_000);
  };
}

function subscribe(l: Listener): () => void {
  listeners.add(l);
  open();
  return () => {
    listeners.delete(l);
    if (listeners.size === 0 && source) {
      source.close();
      source = null;
    }
  };
}

/** Which query keys an event makes stale (the first element of the key). */
function invalidate(qc: QueryClient, e: HubEvent) {
  const t = e.type.toLowerCase();
  const keys = new Set<string>();
  if (e.transferId || t.includes('transfer')) keys.add('transfers').add('lanes');
  if (t.includes('lane')) keys.add('lanes');
  if (t.includes('network')) keys.add('networks');
  if (t.includes('quarant') || t.includes('screen') || t.includes('release')) keys.add('quarantine');
  if (t.includes('node') || t.includes('link')) keys.add('nodes').add('links');
  if (t.includes('user')) keys.add('users');
  if (t.includes('token')) keys.add('tokens');
  if (t.includes('subscri')) keys.add('subscriptions');
  if (e.assetId) keys.add('assets').add('catalog');
  for (const k of keys) void qc.invalidateQueries({ queryKey: [k] });
}

/** Calls onEvent for each hub event passing the filter, and refreshes the affected queries. */
export function useLiveEvents(filter?: (e: HubEvent) => boolean, onEvent?: (e: HubEvent) => void) {
  const qc = useQueryClient();
  const ref = useRef({ filter, onEvent });
  ref.current = { filter, onEvent };
  useEffect(
    () =>
      subscribe((kind, data) => {
        if (kind !== 'hub-event') return;
        const e = data as HubEvent;
        invalidate(qc, e);
        if (!ref.current.filter || ref.current.filter(e)) ref.current.onEvent?.(e);
      }),
    [qc],
  );
}

/** The running copies' progress, as the stream last reported it (about once a second). */
export function useTransferProgress(): Record<string, TransferProgress> {
  const [progress, setProgress] = useState<Record<string, TransferProgress>>({});
  useEffect(
    () =>
      subscribe((kind, data) => {
        if (kind === 'progress')
          setProgress((data as { transfers?: Record<string, TransferProgress> }).transfers ?? {});
      }),
    [],
  );
  return progress;
}
