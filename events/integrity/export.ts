import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Backbone } from '../backbone/backbone';
import { anchorText, appendAnchor, newestAnchor, type Anchor } from './anchors';

/** Backbone category (Kafka topic `<prefix>checkpoints`) of the exported checkpoints. */
export const CHECKPOINTS_CATEGORY = 'checkpoints';
/** One key for every record: one partition, so a reader gets them in signing order. */
const RECORD_KEY = 'log';

export interface CheckpointExportOptions {
  /** The auditor's file: one JSON line per checkpoint, fsynced (`checkpoints.exportFile`). */
  file: string;
}

/**
 * Where signed checkpoints go besides the database, so that deleting them
 * there (or cutting the log under them) shows: `mxhub verify` compares the
 * database with these copies, and the checkpointer will not sign on top of a
 * database that lost one.
 */
export interface CheckpointExport {
  /** The newest checkpoint exported: the file's last line at open, then the last one written. */
  newest(): Anchor | undefined;
  /**
   * Appends `a` to the file (fsynced) then publishes it on the backbone.
   * Rejects only when the file write fails. A record the backbone refused is
   * kept and sent again before the next one (while this process lives: the
   * file holds it either way).
   */
  write(a: Anchor): Promise<void>;
}

/** Opens the export: creates the file's folder and reads the newest anchor back (repairing a torn last line). */
export async function openCheckpointExport(
  deps: { backbone: Pick<Backbone, 'publishRecord'>; logger: Pick<Logger, 'warn'> },
  options: CheckpointExportOptions,
): Promise<CheckpointExport> {
  await mkdir(dirname(options.file), { recursive: true });
  let newest = await newestAnchor(options.file);
  const unpublished: Anchor[] = [];

  async function publish(): Promise<void> {
    while (unpublished.length > 0) {
      await deps.backbone.publishRecord(CHECKPOINTS_CATEGORY, RECORD_KEY, anchorText(unpublished[0]!));
      unpublished.shift();
    }
  }

  return {
    newest: () => newest,
    async write(a) {
      await appendAnchor(options.file, a);
      newest = a;
      unpublished.push(a);
      await publish().catch((err: unknown) =>
        deps.logger.warn(
          { err, unpublished: unpublished.length },
          'publishing a signed checkpoint on the backbone failed; it is in the anchors file and will be sent again',
        ),
      );
    },
  };
}
