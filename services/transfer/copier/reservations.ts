/**
 * Space promised to copies in flight, per target file system (device id).
 * statfs only sees bytes already written, so without this two copies that
 * each fit alone could both be admitted onto a disk that holds one of them.
 * It lives in the process: copies of other hub processes count once their
 * bytes are on disk, which the reserve margin is there to absorb.
 */
export interface ReservationLedger {
  /** Bytes promised to other transfers on `device` and not yet written. */
  outstanding(device: number, exceptTransferId?: string): number;
  /** Records (or replaces) the promise of `bytes` to a transfer, `written` of which are already on disk. */
  hold(transferId: string, device: number, bytes: number, written: number): void;
  has(transferId: string): boolean;
  /** The copy has written `written` bytes of its file: they now show in statfs. */
  progress(transferId: string, written: number): void;
  /** Forgets the promise; resolves with the bytes that were held, 0 if none. */
  release(transferId: string): number;
}

interface Hold {
  device: number;
  bytes: number;
  written: number;
}

export function createReservationLedger(): ReservationLedger {
  const holds = new Map<string, Hold>();
  return {
    outstanding(device, exceptTransferId) {
      let sum = 0;
      for (const [id, h] of holds) {
        if (h.device === device && id !== exceptTransferId) sum += Math.max(0, h.bytes - h.written);
      }
      return sum;
    },
    hold(transferId, device, bytes, written) {
      holds.set(transferId, { device, bytes, written });
    },
    has: (transferId) => holds.has(transferId),
    progress(transferId, written) {
      const h = holds.get(transferId);
      if (h) h.written = written;
    },
    release(transferId) {
      const h = holds.get(transferId);
      holds.delete(transferId);
      return h?.bytes ?? 0;
    },
  };
}
