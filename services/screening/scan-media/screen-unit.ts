import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Stage } from '../../../domain/asset/asset';
import { STAGES } from '../../../domain/asset/asset';
import { sha256Fd } from '../../../lib/worker-pool/hashing';
import type { ScreeningStages, StageSubject } from '../stages';
import type { ScanUnit } from './pairing';
import type { FileResult, FileVerdict } from './result';

/** Who the files come from and where they would go, as the hub's connector would say. */
export interface ScanRoute {
  /** The network the medium is read on (the subject's `sourceNetwork`). */
  network: string;
  /** The one target the files are screened for (one drop folder, as the connector does). */
  target: string;
}

/**
 * SHA-256 of a file on the medium, opened without following a link: the walk
 * skipped links, and a link swapped in since must not be read either.
 */
export async function hashFile(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    // On a worker thread: the units of a medium are hashed on every core while the main thread drives the engines.
    return (await sha256Fd(handle.fd)).sha256;
  } finally {
    await handle.close();
  }
}

/** The stages a unit goes through: media all of them (sidecar agreement only when paired), the rest antivirus. */
export function stagesFor(unit: ScanUnit): Stage[] {
  if (unit.kind !== 'media') return ['antivirus'];
  return STAGES.filter((s) => s !== 'sidecar' || unit.sidecar !== undefined);
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Screens one unit stage by stage, stopping at the first refusal, exactly as
 * the hub's process manager would run them on a claimed file, except that
 * the file is read where it lies. A stage that cannot run, or a file that
 * cannot be read, leaves the file `unavailable`: not cleared.
 */
export async function screenUnit(stages: ScreeningStages, unit: ScanUnit, route: ScanRoute): Promise<FileResult> {
  const base = { path: unit.file.relPath, kind: unit.kind, size: unit.file.size, passed: [] as Stage[] };
  const sidecar = unit.kind === 'media' && unit.sidecar ? { sidecar: unit.sidecar.file.relPath } : {};
  let sha256 = '';
  try {
    sha256 = await hashFile(unit.file.path);
  } catch (error) {
    const verdict: FileVerdict = { outcome: 'unavailable', reason: `could not be read: ${describe(error)}` };
    return { ...base, ...sidecar, sha256, verdict };
  }
  if (unit.kind === 'media' && unit.brokenSidecar) {
    const { rule, reason, file } = unit.brokenSidecar;
    const verdict: FileVerdict = { outcome: 'refused', stage: 'sidecar', rule, reason: `${file.relPath}: ${reason}` };
    return { ...base, sidecar: file.relPath, sha256, verdict };
  }
  const subject: StageSubject = {
    sourceNetwork: route.network,
    targets: [route.target],
    detectedBy: `connector:${route.network}`,
    originalName: basename(unit.file.path),
    sha256,
    path: unit.file.path,
    ...(unit.kind === 'media' && unit.sidecar ? { sidecar: { ...unit.sidecar.sidecar } } : {}),
  };
  for (const stage of stagesFor(unit)) {
    let outcome;
    try {
      outcome = await stages.run(stage, subject);
    } catch (error) {
      const verdict: FileVerdict = { outcome: 'unavailable', stage, reason: `stage failed: ${describe(error)}` };
      return { ...base, ...sidecar, sha256, verdict };
    }
    if (outcome.kind === 'unavailable') {
      return { ...base, ...sidecar, sha256, verdict: { outcome: 'unavailable', stage, reason: outcome.reason } };
    }
    const v = outcome.verdict;
    if (v.technical) subject.technical = v.technical;
    const technical = subject.technical ? { technical: subject.technical } : {};
    if (!v.passed) {
      const verdict: FileVerdict = { outcome: 'refused', stage, rule: v.rule, reason: v.reason };
      return { ...base, ...sidecar, ...technical, sha256, verdict };
    }
    base.passed.push(stage);
  }
  const technical = subject.technical ? { technical: subject.technical } : {};
  return { ...base, ...sidecar, ...technical, sha256, verdict: { outcome: 'passed' } };
}
