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

  async function scanFile(path: string, scanOptions: ScanOptions = {}): Promise<Verdict> {
    let engine: EngineVersion | undefined;
    let covered = 0;
    try {
      const before = await stat(path);
      engine = await version();
      const parts = planParts(before.size, partSize, overlap);
      for (const [index, part] of parts.entries()) {
        const which =
          parts.length > 1 ? ` in part ${index + 1}/${parts.length} (bytes ${part.start}-${part.end - 1})` : '';
        const finding = await scanPart(path, part, scanOptions.signal);
        if (finding.outcome === 'infected') {
          return {
            ...engine,
            engine: 'clamav',
            bytesCovered: part.end,
            outcome: 'infected',
            signature: finding.signature,
            reason: `${finding.reason}${which}`,
          };
        }
        if (finding.outcome === 'error') {
          return errorVerdict('clamav', engine, covered, `${finding.reason}${which}`, finding.signature);
        }
        if (finding.bytesSent !== part.end - part.start) {
          return errorVerdict('clamav', engine, covered, `file shrank while being scanned${which}`);
        }
        covered = part.end;
      }
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
