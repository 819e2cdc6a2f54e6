export interface Transfer {
  id: string;
  assetId: string;
  sourceNetwork: string | null;
  targetNetwork: string;
  state: 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';
  lane: string;
  priority: number;
  step: string | null;
  bytesTotal: number | null;
  bytesDone: number;
  attempts: number;
  error: string | null;
  requestedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  version: number;
}
export interface Lane {
  name: string;
  channels: number;
  busy: number;
  bandwidthMbps: number | null;
}
export interface Network {
  id: string;
  paused: boolean;
  reason: string | null;
  bandwidthMbps: number | null;
}
