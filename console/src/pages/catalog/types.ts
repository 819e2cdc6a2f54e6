/** The catalog API's shapes as the pages use them (see services/catalog/routes/schemas.ts). */
export interface CatalogItem {
  assetId: string;
  state: string;
  originalName: string;
  title: string | null;
  type: string;
  sizeBytes: number | null;
  createdAt: string;
  networks: string[];
  posterUrl: string | null;
  version: number;
}
export interface Page<T> {
  items: T[];
  next: string | null;
}
export interface TreeJson {
  networks: Array<{
    network: string;
    count: number;
    months: Array<{
      month: string;
      count: number;
      programmes?: Array<{ programme: string; count: number; items: Array<{ assetId: string; originalName: string }> }>;
    }>;
  }>;
}
export const MEDIA_TYPES = ['video', 'audio', 'image', 'other'];
export const STATES = [
  'detected',
  'ingested',
  'screening',
  'cleared',
  'quarantined',
  'released',
  'delivered',
  'partially-delivered',
  'delivery-failed',
  'deleted',
];
