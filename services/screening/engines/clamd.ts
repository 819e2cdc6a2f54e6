// Hand-written on purpose: clamd's wire protocol (zINSTREAM, length-prefixed chunks, one reply line) is
// small, and no well-kept Node client streams INSTREAM with what screening needs: fail closed on clamd's
// StreamMaxLength and on any reply it does not understand, a large file scanned in overlapping parts below
// clamd's object limit, and a timeout per part after its last byte. The protocol, part plan and reply
// reading are in the clamd-*.ts files beside this one.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UnavailableError } from '../../../lib/errors';
import { clamdCommand, clamdInstream, describeAddress, type ClamdAddress } from './clamd-protocol';
import { planParts, validatePartOptions, type Part } from './clamd-parts';
import { interpretClamdReply, parseClamdVersion } from './clamd-reply';
import { mapWithLimit } from '../scan-media/pool';
import {
  describeError,
  errorVerdict,
  type EngineVersion,
  type ScanEngine,
  type ScanOptions,
  type Verdict,
} from './scan-engine';

export type { ClamdAddress } from './clamd-protocol';

export interface ClamdEngineOptions {
  /** Where clamd listens. @default { host: '127.0.0.1', port: 13310 } (ops/clamav) */
  address?: ClamdAddress;
  /**
   * Largest part of a file sent in one INSTREAM; files above
   * `partSize + overlap` are scanned in overlapping parts (see `planParts`).
   * Must stay below clamd's 2 GiB object limit and its StreamMaxLength.
   * @default 1 GiB
   */
  partSize?: number;
  /** Bytes shared by consecutive parts: the longest signature guaranteed to be seen across a boundary. @default 1 MiB */
  overlap?: number;
  /**
   * Parts of one large file streamed at once. clamd scans each INSTREAM on a
   * thread of its own, so a file over 2 GiB is scanned side by side rather
   * than part after part. @default 2
   */
  partConcurrency?: number;
  /** Bytes read and sent per INSTREAM chunk. @default 1 MiB */
  chunkSize?: number;
  /** Connect timeout, and longest pause allowed while sending. @default 30 000 ms */
  idleTimeoutMs?: number;
  /** How long clamd may scan one part after its last byte. @default 300 000 ms */
  verdictTimeoutMs?: number;
  /** Timeout of PING and VERSION. @default 5 000 ms */
  commandTimeoutMs?: number;
}

export interface ClamdEngine extends ScanEngine {
  /** True when clamd answers PONG within the command timeout. */
  ping(): Promise<boolean>;
}

const MiB = 1024 * 1024;

/** ClamAV through clamd's INSTREAM protocol, over TCP or a unix socket. */
export function createClamdEngine(options: ClamdEngineOptions = {}): ClamdEngine {
  const address = options.address ?? { host: '127.0.0.1', port: 13310 };
  const partSize = options.partSize ?? 1024 * MiB;
  const overlap = options.overlap ?? MiB;
  const chunkSize = options.chunkSize ?? MiB;
  const partConcurrency = options.partConcurrency ?? 2;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const verdictTimeoutMs = options.verdictTimeoutMs ?? 300_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 5_000;
  validatePartOptions(partSize, overlap);
  const where = `clamd at ${describeAddress(address)}`;

  async function version(): Promise<EngineVersion> {
    try {
      return parseClamdVersion(await clamdCommand(address, 'VERSION', commandTimeoutMs));
    } catch (error) {
      throw new UnavailableError(where, new Error(describeError(error)));
    }
  }

  async function ping(): Promise<boolean> {
    return clamdCommand(address, 'PING', commandTimeoutMs).then(
      (reply) => reply === 'PONG',
      () => false,
    );
  }

  async function scanPart(path: string, part: Part, signal?: AbortSignal) {
    const chunks = createReadStream(path, {
      start: part.start,
      // createReadStream's end is inclusive; an empty part reads nothing.
      end: Math.max(part.start, part.end - 1),
      highWaterMark: chunkSize,
    });
    const empty = part.end === part.start;
    const source = empty ? (async function* () {})() : chunks;
    try {
      const result = await clamdInstream(address, source, { idleTimeoutMs, verdictTimeoutMs, signal });
      return { ...interpretClamdReply(result.reply), bytesSent: result.bytesSent };
    } finally {
      chunks.destroy();
    }
  }

  type Finding = Awaited<ReturnType<typeof scanPart>>;

  /**
   * Scans the parts, `partConcurrency` at a time. The first part that is not
   * clean (a detection, an error, a short read) stops the parts not yet
   * started and aborts those running: their findings stay undefined.
   */
  async function scanParts(path: string, parts: Part[], signal?: AbortSignal): Promise<Array<Finding | undefined>> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    if (signal?.aborted) throw new Error('scan aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const findings = await mapWithLimit(parts, partConcurrency, async (part) => {
        if (stop.signal.aborted) return undefined;
        try {
          const finding = await scanPart(path, part, stop.signal);
          if (finding.outcome !== 'clean' || finding.bytesSent !== part.end - part.start) stop.abort();
          return finding;
        } catch (error) {
          // A part aborted because another settled the verdict says nothing; the caller's abort is its own error.
          if (stop.signal.aborted && !signal?.aborted) return undefined;
          stop.abort();
          throw error;
        }
      });
      if (signal?.aborted) throw new Error('scan aborted');
      return findings;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async function scanFile(path: string, scanOptions: ScanOptions = {}): Promise<Verdict> {
    let engine: EngineVersion | undefined;
    let covered = 0;
    try {
      const before = await stat(path);
      engine = await version();
      const parts = planParts(before.size, partSize, overlap);
      const findings = await scanParts(path, parts, scanOptions.signal);
      const which = (index: number) =>
        parts.length > 1
          ? ` in part ${index + 1}/${parts.length} (bytes ${parts[index]!.start}-${parts[index]!.end - 1})`
          : '';
      // A detection anywhere wins; otherwise the first part in file order that did not come back clean.
      const infected = findings.findIndex((f) => f?.outcome === 'infected');
      if (infected >= 0) {
        const finding = findings[infected]!;
        return {
          ...engine,
          engine: 'clamav',
          bytesCovered: parts[infected]!.end,
          outcome: 'infected',
          signature: finding.signature,
          reason: `${finding.reason}${which(infected)}`,
        };
      }
      let contiguous = true;
      for (const [index, part] of parts.entries()) {
        const finding = findings[index];
        if (finding?.outcome === 'error') {
          return errorVerdict('clamav', engine, covered, `${finding.reason}${which(index)}`, finding.signature);
        }
        if (finding && finding.bytesSent !== part.end - part.start) {
          return errorVerdict('clamav', engine, covered, `file shrank while being scanned${which(index)}`);
        }
        // Parts stopped early are skipped here: the reason is the part that stopped them, wherever it lies.
        if (!finding) contiguous = false;
        else if (contiguous) covered = part.end;
      }
      if (covered !== before.size) return errorVerdict('clamav', engine, covered, 'not every part was scanned');
      // What was scanned must be what gets delivered: a file that changed
      // under the scan is not cleared.
      const after = await stat(path);
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
        return errorVerdict('clamav', engine, covered, 'file changed while being scanned');
      }
      return { ...engine, engine: 'clamav', bytesCovered: covered, outcome: 'clean' };
    } catch (error) {
      return errorVerdict(
        'clamav',
        engine,
        covered,
        `${engine ? `${where} failed` : 'scan failed'}: ${describeError(error)}`,
      );
    }
  }

  return { name: 'clamav', scanFile, version, ping };
}
