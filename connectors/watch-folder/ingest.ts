import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EventStore } from '../../events/store/event-store';
import { uuidv7 } from '../../lib/ids';
import { ValidationError } from '../../lib/errors';
import { parseSidecar, type SidecarParseOptions } from '../../formats/sidecar/parse';
import type { Sidecar } from '../../formats/sidecar/sidecar';
import { hashFile, hubFolders, moveInto, privateDir, readBounded, removeIfEmpty } from './claim';
import { createClaimRecords, type ClaimRecord } from './claim-records';
import { createCustodyClaim, type ClaimOutcome } from './custody-claim';
import type { Refusal } from './drop-entries';
import { ingestEvents, type SidecarOutcome } from './events';
import type { DropUnit } from './pairing';

export interface IngesterDeps {
  network: { id: string; root: string };
  /** Networks this node may send to: a sidecar's destinations must be among them. */
  targets: string[];
  store: EventStore;
  logger: Logger;
  clock: () => Date;
  sidecar: SidecarParseOptions;
  /** Called once the unit's files are out of the drop folder (or known to be gone). */
  onReleased: (files: string[]) => void;
  /** A dropped file the claim refused; the caller says it once and leaves the file where it is. */
  onRefused: (file: string, refusal: Refusal) => Promise<void>;
  /** The stats at which a file was found stable. */
  stableStats?: (file: string) => Stats | undefined;
}

const DEFAULT_SIDECAR_MAX_BYTES = 256 * 1024;

/**
 * Where a unit goes: its sidecar's destinations, when it names any, else its
 * drop folder's target; nowhere for a file of the pool (`drop/` itself, target '').
 */
function destinationsOf(sidecar: Sidecar | undefined, dropTarget: string): string[] {
  if (sidecar && sidecar.destinations.length > 0) return [...new Set(sidecar.destinations)];
  return dropTarget ? [dropTarget] : [];
}

/**
 * Turns one drop unit into an asset: claim into hub custody (see
 * `createCustodyClaim`), read the sidecar, append.
 *
 * The events go in one append with expected version `no_stream`, so a stream
 * holds either the whole opening of the journey or nothing. A claim record is
 * written before the claim and removed after the append: if the process
 * dies, or the store refuses the append, in between, `recover` (run at
 * start) records the staged files, so a claimed file is neither lost nor
 * recorded twice.
 */
export function createIngester(deps: IngesterDeps) {
  const { network, store, logger, clock } = deps;
  const folders = hubFolders(network.root);
  const records = createClaimRecords(network.root);
  const custody = createCustodyClaim({
    root: network.root,
    records,
    logger,
    stableStats: deps.stableStats,
    onRefused: deps.onRefused,
  });
  const maxSidecarBytes = deps.sidecar.maxBytes ?? DEFAULT_SIDECAR_MAX_BYTES;

  /** Parses the staged sidecar; a refused one goes to quarantine with its media, the pair kept together. */
  async function readSidecar(
    assetId: string,
    staged: { media: string; sidecar: string },
  ): Promise<{ outcome: SidecarOutcome; sidecar?: Sidecar }> {
    let refusal: { rule: string; reason: string };
    try {
      const bytes = await readBounded(staged.sidecar, maxSidecarBytes);
      const sidecar = parseSidecar(bytes, {
        ...deps.sidecar,
        onDeprecated: (note) => logger.warn({ assetId, network: network.id }, note),
      });
      const unknown = sidecar.destinations.filter((d) => !deps.targets.includes(d));
      if (unknown.length === 0) return { outcome: { ok: true, sidecar }, sidecar };
      refusal = {
        rule: 'sidecar.destination',
        reason: `destinations ${unknown.join(', ')} are not networks network '${network.id}' may send to (it may send to: ${deps.targets.join(', ')})`,
      };
    } catch (err) {
      // Parser messages name the element and rule, never the content (sidecar.ts);
      // anything else gets a fixed reason so no raw error text reaches an event.
      refusal = {
        rule: err instanceof ValidationError ? String(err.details?.rule ?? 'sidecar.invalid') : 'sidecar.unreadable',
        reason: err instanceof ValidationError ? err.message : 'the sidecar could not be read from staging',
      };
      if (!(err instanceof ValidationError)) logger.warn({ err, assetId }, 'reading a claimed sidecar failed');
    }
    const quarantine = folders.quarantine(assetId);
    await privateDir(quarantine);
    const quarantinePath = (await moveInto(staged.media, quarantine)) ?? staged.media;
    await moveInto(staged.sidecar, quarantine);
    return { outcome: { ok: false, ...refusal, quarantinePath } };
  }

  /** Reads what is staged for a claim, appends its events, then drops the claim record. */
  async function record(claimed: ClaimRecord, hashed?: { sha256: string; sizeBytes: number }): Promise<void> {
    const { assetId } = claimed;
    const staging = folders.staging(assetId);
    const media = join(staging, claimed.media);
    const { sha256, sizeBytes } = hashed ?? (await hashFile(media));
    const sidecarPath = claimed.sidecar ? join(staging, claimed.sidecar) : undefined;
    const read = sidecarPath ? await readSidecar(assetId, { media, sidecar: sidecarPath }) : undefined;
    const targets = destinationsOf(read?.sidecar, claimed.target);
    const now = clock();
    const events = ingestEvents(
      {
        assetId,
        network: network.id,
        targets,
        originalName: claimed.media,
        stagedPath: media,
        sizeBytes,
        sha256,
        sidecar: read?.outcome,
      },
      () => uuidv7(clock().getTime()),
      now.toISOString(),
    );
    await store.append(`asset-${assetId}`, events, 'no_stream');
    await records.remove(assetId);
    logger.info(
      {
        assetId,
        targets,
        sizeBytes,
        sidecar: read ? (read.outcome.ok ? 'parsed' : 'quarantined') : 'none',
      },
      'asset ingested',
    );
  }

  /**
   * Finishes claims left by a stop or crash between claiming and recording.
   * A claim whose stream exists was recorded; one whose media never left the
   * drop folder is forgotten (the initial scan finds the file again). Files a
   * failed sidecar already moved to quarantine go back to staging first, so
   * the claim is recorded exactly as it would have been. A record that cannot
   * be read is reported (and set aside), never silently skipped.
   */
  async function recover(): Promise<void> {
    const { records: claims, unreadable } = await records.list();
    for (const bad of unreadable)
      logger.error(
        { file: bad.file, error: bad.error },
        'a claim record cannot be read; set aside as <name>.unreadable for an admin to look at',
      );
    for (const claimed of claims) {
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
        if ((await custody.resume(claimed)) === 'forgotten') continue;
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

  /** Claims and records one unit; resolves with how the claim ended. */
  async function ingest(unit: DropUnit): Promise<ClaimOutcome['kind']> {
    const assetId = uuidv7(clock().getTime());
    let outcome: ClaimOutcome;
    try {
      outcome = await custody.claim(unit, assetId);
    } finally {
      deps.onReleased([unit.media, ...(unit.sidecar ? [unit.sidecar] : [])]);
    }
    switch (outcome.kind) {
      case 'claimed':
        await record(outcome.record, outcome);
        break;
      case 'vanished':
        logger.info({ file: unit.media, target: unit.target }, 'dropped file vanished before it was claimed; skipped');
        break;
      case 'refused':
        await deps.onRefused(outcome.file, outcome.refusal);
        break;
      case 'changed':
        if (outcome.refusal) await deps.onRefused(outcome.file, outcome.refusal);
        else
          logger.info({ file: outcome.file }, 'dropped file changed after it was found stable; waiting for it again');
        break;
      default: {
        const never: never = outcome;
        throw new Error(`unknown claim outcome ${String(never)}`);
      }
    }
    return outcome.kind;
  }

  return { ingest, recover };
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

export type Ingester = ReturnType<typeof createIngester>;
