import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import type { EventStore } from '../../events/store/event-store';
import { uuidv7 } from '../../lib/ids';
import { ValidationError } from '../../lib/errors';
import { parseSidecar, type SidecarParseOptions } from '../../services/screening/sidecar/parse';
import { hashFile, hubFolders, moveInto, privateDir, readBounded, removeIfEmpty } from './claim';
import { createClaimRecords, type ClaimRecord } from './claim-records';
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
 *
 * Crash safety: a claim record is written before the first rename and
 * removed after the append. If the process dies, or the store refuses the
 * append, in between, `recover` (run at start) records the staged files, so
 * a claimed file is neither lost nor recorded twice.
 */
export function createIngester(deps: IngesterDeps) {
  const { network, store, logger, clock } = deps;
  const folders = hubFolders(network.root);
  const records = createClaimRecords(network.root);
  const maxSidecarBytes = deps.sidecar.maxBytes ?? DEFAULT_SIDECAR_MAX_BYTES;

  async function claim(unit: DropUnit, assetId: string): Promise<ClaimRecord | undefined> {
    const staging = folders.staging(assetId);
    const record: ClaimRecord = {
      assetId,
      target: unit.target,
      media: basename(unit.media),
      ...(unit.sidecar ? { sidecar: basename(unit.sidecar) } : {}),
    };
    try {
      await privateDir(staging);
      await records.write(record);
      if (!(await moveInto(unit.media, staging))) {
        await records.remove(assetId);
        await removeIfEmpty(staging);
        return undefined;
      }
      // A sidecar that vanished between pairing and claiming leaves its media alone, not stuck.
      if (unit.sidecar && !(await moveInto(unit.sidecar, staging))) delete record.sidecar;
      return record;
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

  /** Hashes and reads what is staged for a claim, appends its events, then drops the claim record. */
  async function record(claimed: ClaimRecord): Promise<void> {
    const { assetId, target } = claimed;
    const staging = folders.staging(assetId);
    const media = join(staging, claimed.media);
    const { sha256, sizeBytes } = await hashFile(media);
    const sidecarPath = claimed.sidecar ? join(staging, claimed.sidecar) : undefined;
    const sidecar = sidecarPath ? await readSidecar(assetId, { media, sidecar: sidecarPath }) : undefined;
    const now = clock();
    const events = ingestEvents(
      {
        assetId,
        network: network.id,
        target,
        originalName: claimed.media,
        stagedPath: media,
        sizeBytes,
        sha256,
        sidecar,
      },
      () => uuidv7(clock().getTime()),
      now.toISOString(),
    );
    await store.append(`asset-${assetId}`, events, 'no_stream');
    await records.remove(assetId);
    logger.info(
      { assetId, target, sizeBytes, sidecar: sidecar ? (sidecar.ok ? 'parsed' : 'quarantined') : 'none' },
      'asset ingested',
    );
  }

  /**
   * Finishes claims left by a stop or crash between claiming and recording.
   * A claim whose stream exists was recorded; one whose media never left the
   * drop folder is dropped (the initial scan finds the file again). Files a
   * failed sidecar already moved to quarantine go back to staging first, so
   * the claim is recorded exactly as it would have been.
   */
  async function recover(): Promise<void> {
    for (const claimed of await records.list()) {
      const { assetId } = claimed;
      try {
        if ((await store.streamVersion(`asset-${assetId}`)) > 0) {
          await records.remove(assetId);
          continue;
        }
        const staging = folders.staging(assetId);
        const quarantine = folders.quarantine(assetId);
        for (const name of [claimed.media, claimed.sidecar]) if (name) await moveInto(join(quarantine, name), staging);
        await removeIfEmpty(quarantine);
        if (!claimed.sidecar || !(await exists(join(staging, claimed.sidecar)))) delete claimed.sidecar;
        if (!(await exists(join(staging, claimed.media)))) {
          await records.remove(assetId);
          await removeIfEmpty(staging);
          continue;
        }
        await record(claimed);
        logger.warn({ assetId, target: claimed.target }, 'recorded a claim left unfinished by an earlier run');
      } catch (err) {
        logger.error({ err, assetId }, 'recovering an unfinished claim failed; it stays for the next start');
      }
    }
  }

  async function ingest(unit: DropUnit): Promise<void> {
    const assetId = uuidv7(clock().getTime());
    const claimed = await claim(unit, assetId);
    if (!claimed) {
      logger.info({ file: unit.media, target: unit.target }, 'dropped file vanished before it was claimed; skipped');
      return;
    }
    await record(claimed);
  }

  return { ingest, recover };
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

export type Ingester = ReturnType<typeof createIngester>;
