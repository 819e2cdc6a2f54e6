import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stage } from '../../../domain/asset/asset';
import type { ScreeningStages, StageOutcome, StageSubject } from '../stages';
import type { ScanUnit } from './pairing';
import { screenUnit } from './screen-unit';

const pass: StageOutcome = { kind: 'verdict', verdict: { passed: true } };
const route = { network: 'news', target: 'broadcast' };

/** Stages that answer from a table and record what they were asked. */
function fakeStages(answers: Partial<Record<Stage, StageOutcome>>) {
  const calls: Array<{ stage: Stage; subject: StageSubject }> = [];
  const stages: ScreeningStages = {
    run: async (stage, subject) => {
      calls.push({ stage, subject: { ...subject } });
      return answers[stage] ?? pass;
    },
  };
  return { stages, calls };
}

describe('screenUnit', () => {
  let dir: string;
  let unit: ScanUnit;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxhub-screen-unit-'));
    await writeFile(join(dir, 'clip.mxf'), 'abc');
    unit = { kind: 'media', file: { path: join(dir, 'clip.mxf'), relPath: 'clip.mxf', size: 3 } };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the stages in order as the connector of the network would, with the hash', async () => {
    const { stages, calls } = fakeStages({
      analysis: { kind: 'verdict', verdict: { passed: true, technical: { container: 'mxf' } } },
    });

    const result = await screenUnit(stages, unit, route);

    expect(calls.map((c) => c.stage)).toEqual(['whitelist', 'intrusion', 'antivirus', 'analysis']);
    expect(calls[0]!.subject).toMatchObject({
      sourceNetwork: 'news',
      targets: ['broadcast'],
      detectedBy: 'connector:news',
      originalName: 'clip.mxf',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(result).toMatchObject({ verdict: { outcome: 'passed' }, technical: { container: 'mxf' }, size: 3 });
  });

  it('stops at the first refusal and names stage, rule and reason', async () => {
    const { stages, calls } = fakeStages({
      intrusion: { kind: 'verdict', verdict: { passed: false, rule: 'content.executable', reason: 'ELF' } },
    });

    const result = await screenUnit(stages, unit, route);

    expect(calls.map((c) => c.stage)).toEqual(['whitelist', 'intrusion']);
    expect(result.verdict).toEqual({
      outcome: 'refused',
      stage: 'intrusion',
      rule: 'content.executable',
      reason: 'ELF',
    });
  });

  it('does not clear a file whose engine is unavailable (fail closed)', async () => {
    const { stages } = fakeStages({ antivirus: { kind: 'unavailable', reason: 'clamav: ECONNREFUSED' } });

    const result = await screenUnit(stages, unit, route);

    expect(result.verdict).toEqual({ outcome: 'unavailable', stage: 'antivirus', reason: 'clamav: ECONNREFUSED' });
    expect(result.passed).toEqual(['whitelist', 'intrusion']);
  });

  it('antivirus-scans card metadata and nothing else', async () => {
    const { stages, calls } = fakeStages({});
    await screenUnit(stages, { kind: 'card-metadata', file: unit.file }, route);
    expect(calls.map((c) => c.stage)).toEqual(['antivirus']);
  });

  it('refuses media with a broken sidecar at the sidecar stage without scanning it', async () => {
    const { stages, calls } = fakeStages({});
    const broken = { file: { ...unit.file, relPath: 'clip.xml' }, rule: 'sidecar.root', reason: 'bad root' };

    const result = await screenUnit(stages, { ...unit, kind: 'media', brokenSidecar: broken }, route);

    expect(calls).toEqual([]);
    expect(result.verdict).toEqual({
      outcome: 'refused',
      stage: 'sidecar',
      rule: 'sidecar.root',
      reason: 'clip.xml: bad root',
    });
  });

  it('reports a file it cannot read as not cleared', async () => {
    const { stages } = fakeStages({});
    const gone: ScanUnit = { kind: 'media', file: { path: join(dir, 'gone.mxf'), relPath: 'gone.mxf', size: 1 } };

    const result = await screenUnit(stages, gone, route);

    expect(result.verdict).toEqual({ outcome: 'unavailable', reason: expect.stringMatching(/could not be read/) });
  });
});
