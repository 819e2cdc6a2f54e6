import { basename } from 'node:path';
import type { Logger } from 'pino';
import type { EventStore } from '../../events/store/event-store';
import { uuidv7 } from '../../lib/ids';
import { ValidationError } from '../../lib/errors';
import { parseSidecar, type SidecarParseOptions } from '../../services/screening/sidecar/parse';
import { hashFile, hubFolders, moveInto, privateDir, readBounded, removeIfEmpty } from './claim';
import { ingestEvents, type SidecarOutcome } from './events';
import type { DropUnit } from './pairing';

export interface IngesterDeps {
  network: { id: string; root: string };
  store: EventStore;
  logger: Logger;
  clock: () => Date;
  sidecar: SidecarParseOptions;
  /** Called once the unit's files are out of the drop folder (or known to be gone). */
  onReleased: (files: string[]) => void;
}

const DEFAULT_SIDECAR_MAX_BYTES = 256 * 1024;

/**
 * Turns one drop unit into an asset: claim, hash, read the sidecar, append.
 *
 * Order matters for TOCTOU safety: the files are renamed into the asset's
 * staging folder first, and only the claimed copy is hashed and parsed, so
 * what the events describe is what the dropper can no longer touch. The
 * events go in one append with expected version `no_stream`, so a stream
 * holds either the whole opening of the journey or nothing.
 */
export function createIngester(deps: IngesterDeps) {
  const { network, store, logger, clock } = deps;
  const folders = hubFolders(network.root);
  const maxSidecarBytes = deps.sidecar.maxBytes ?? DEFAULT_SIDECAR_MAX_BYTES;

  async function claim(unit: DropUnit, assetId: string) {
    const staging = folders.staging(assetId);
    await privateDir(staging);
    try {
      const media = await moveInto(unit.media, staging);
      if (!media) {
        await removeIfEmpty(staging);
        return undefined;
      }
      // A sidecar that vanished between pairing and claiming leaves its media alone, not stuck.
      const sidecar = unit.sidecar ? await moveInto(unit.sidecar, staging) : undefined;
      return { staging, media, sidecar };
    } finally {
      deps.onReleased([unit.media, ...(unit.sidecar ? [unit.sidecar] : [])]);
    }
  }

  async function readSidecar(assetId: string, staged: { media: string; sidecar: string }): Promise<SidecarOutcome> {
    try {
      const bytes = await readBounded(staged.sidecar, maxSidecarBytes);
      return { ok: true, sidecar: parseSidecar(bytes, deps.sidecar) };
    } catch (err) {
      // Parser messages name the element and rule, never the content (sidecar.ts);
      // anything else gets a fixed reason so no raw error text reaches an event.
      const rule =
        err instanceof ValidationError ? String(err.details?.rule ?? 'sidecar.invalid') : 'sidecar.unreadable';
      const reason = err instanceof ValidationError ? err.message : 'the sidecar could not be read from staging';
      if (!(err instanceof ValidationError)) logger.warn({ err, assetId }, 'reading a claimed sidecar failed');
      // The pair stays together: the quarantined media keeps the sidecar that condemned it beside it.
      const quarantine = folders.quarantine(assetId);
      await privateDir(quarantine);
      const quarantinePath = (await moveInto(staged.media, quarantine)) ?? staged.media;
      await moveInto(staged.sidecar, quarantine);
      return { ok: false, rule, reason, quarantinePath };
    }
  }

  return async function ingest(unit: DropUnit): Promise<void> {
    const now = clock();
    const assetId = uuidv7(now.getTime());
    const claimed = await claim(unit, assetId);
    if (!claimed) {
      logger.info({ file: unit.media, target: unit.target }, 'dropped file vanished before it was claimed; skipped');
      return;
    }
    const { sha256, sizeBytes } = await hashFile(claimed.media);
    const sidecar = claimed.sidecar
      ? await readSidecar(assetId, { media: claimed.media, sidecar: claimed.sidecar })
      : undefined;
    const events = ingestEvents(
      {
        assetId,
        network: network.id,
        target: unit.target,
        originalName: basename(claimed.media),
        stagedPath: claimed.media,
        sizeBytes,
        sha256,
        sidecar,
      },
      () => uuidv7(clock().getTime()),
      now.toISOString(),
    );
    await store.append(`asset-${assetId}`, events, 'no_stream');
    logger.info(
      { assetId, target: unit.target, sizeBytes, sidecar: sidecar ? (sidecar.ok ? 'parsed' : 'quarantined') : 'none' },
      'asset ingested',
    );
  };
}

export type Ingest = ReturnType<typeof createIngester>;
