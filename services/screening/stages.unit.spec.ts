import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analyzer } from './analysis/analyze';
import type { EngineName, ScanEngine, Verdict } from './engines/scan-engine';
import type { IntrusionFilter } from './intrusion/intrusion-filter';
import { createScreeningStages, type StageSubject } from './stages';

const version = { engineVersion: 'Fake 1.0', signatureVersion: 'sigs 1' };

function engine(name: EngineName, verdict: Partial<Verdict>, reachable = true): ScanEngine {
  return {
    name,
    scanFile: async () => ({ engine: name, ...version, bytesCovered: 10, outcome: 'clean', ...verdict }),
    version: async () => {
      if (!reachable) throw new Error('ECONNREFUSED');
      return version;
    },
  };
}

const intrusion: IntrusionFilter = { check: async () => ({ ok: true }) };
const analyzer = {
  analyze: async () => ({ passed: true, technical: { container: 'mxf', durationSeconds: 10, frameRate: 25 } }),
} as unknown as Analyzer;

const subject: StageSubject = {
  sourceNetwork: 'news',
  targets: ['broadcast'],
  detectedBy: 'connector:news',
  originalName: 'clip.mxf',
  sha256: 'a'.repeat(64),
  path: '/staging/clip.mxf',
};

const stagesWith = (engines: ScanEngine[]) => createScreeningStages({ whitelist: {}, intrusion, engines, analyzer });

describe('screening stages', () => {
  test('antivirus passes only when every engine says clean, recording each engine with versions and bytes', async () => {
    const outcome = await stagesWith([engine('clamav', {}), engine('yara-x', {})]).run('antivirus', subject);
    expect(outcome).toEqual({
      kind: 'verdict',
      verdict: {
        passed: true,
        engines: [
          { engine: 'clamav', ...version, bytesCovered: 10, outcome: 'clean' },
          { engine: 'yara-x', ...version, bytesCovered: 10, outcome: 'clean' },
        ],
      },
    });
  });

  test('one engine finding something refuses the file, naming engine and signature', async () => {
    const outcome = await stagesWith([
      engine('clamav', { outcome: 'infected', signature: 'Eicar-Signature' }),
      engine('yara-x', {}),
    ]).run('antivirus', subject);
    expect(outcome).toMatchObject({
      kind: 'verdict',
      verdict: { passed: false, rule: 'antivirus.infected', reason: 'clamav found Eicar-Signature' },
    });
  });

  test('fail closed: an engine error on a reachable engine (limit, timeout, encrypted) is not cleared', async () => {
    const outcome = await stagesWith([
      engine('clamav', { outcome: 'error', reason: 'size limit exceeded', bytesCovered: 4 }),
      engine('yara-x', {}),
    ]).run('antivirus', subject);
    expect(outcome).toMatchObject({
      kind: 'verdict',
      verdict: {
        passed: false,
        rule: 'antivirus.not-cleared',
        reason: 'clamav could not clear the file: size limit exceeded',
      },
    });
  });

  test('an unreachable engine makes the stage unavailable (retried), never clean', async () => {
    const outcome = await stagesWith([
      engine('clamav', { outcome: 'error', reason: 'connect ECONNREFUSED' }, false),
      engine('yara-x', {}),
    ]).run('antivirus', subject);
    expect(outcome).toEqual({ kind: 'unavailable', reason: 'clamav: connect ECONNREFUSED' });
  });

  test('the sidecar stage compares checksum and duration with the file and its analysis', async () => {
    const stages = stagesWith([]);
    const technical = { durationSeconds: 10, frameRate: 25 };
    const good = { title: 't', checksum: subject.sha256, duration: { kind: 'seconds', seconds: 10.2 } };
    expect(await stages.run('sidecar', { ...subject, technical, sidecar: good })).toEqual({
      kind: 'verdict',
      verdict: { passed: true },
    });
    const wrongSum = { ...good, checksum: 'b'.repeat(64) };
    expect(await stages.run('sidecar', { ...subject, technical, sidecar: wrongSum })).toMatchObject({
      verdict: { passed: false, rule: 'sidecar.checksum-mismatch' },
    });
  });

  describe('given the sidecar file (a rescreen)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mxhub-stages-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));
    const file = async (name: string, xml: string) => {
      await writeFile(join(dir, name), xml);
      return join(dir, name);
    };
    const ns = 'xmlns="urn:mxhub:sidecar:1" version="1"';

    test('parses it again and refuses it under the parser rule, whatever was recorded', async () => {
      const hostile = await file(
        'hostile.xml',
        `<?xml version="1.0"?><!DOCTYPE sidecar [<!ENTITY x "x">]><sidecar ${ns}><title>&x;</title></sidecar>`,
      );
      const outcome = await stagesWith([]).run('sidecar', { ...subject, sidecarPath: hostile });
      expect(outcome).toMatchObject({ kind: 'verdict', verdict: { passed: false, rule: 'sidecar.doctype' } });
      const recorded = { title: 't', materialId: 'M-1', destinations: [], extra: [] };
      expect(
        await stagesWith([]).run('sidecar', { ...subject, sidecar: recorded, sidecarPath: hostile }),
      ).toMatchObject({ verdict: { passed: false, rule: 'sidecar.doctype' } });
    });

    test('a sidecar that parses is checked for agreement and handed back', async () => {
      const good = await file('good.xml', `<sidecar ${ns}><title>T</title><materialId>M-1</materialId></sidecar>`);
      expect(await stagesWith([]).run('sidecar', { ...subject, sidecarPath: good })).toEqual({
        kind: 'verdict',
        verdict: { passed: true, sidecar: { title: 'T', materialId: 'M-1', destinations: [], extra: [] } },
      });
      const wrong = await file(
        'wrong.xml',
        `<sidecar ${ns}><title>T</title><materialId>M-1</materialId><checksum>${'b'.repeat(64)}</checksum></sidecar>`,
      );
      expect(await stagesWith([]).run('sidecar', { ...subject, sidecarPath: wrong })).toMatchObject({
        verdict: { passed: false, rule: 'sidecar.checksum-mismatch' },
      });
    });

    test('a sidecar naming a destination the asset is not routed to stays refused (rule sidecar.destination)', async () => {
      const elsewhere = await file(
        'elsewhere.xml',
        `<sidecar ${ns}><title>T</title><materialId>M-1</materialId><destinations><destination>broadcast</destination><destination>mars</destination></destinations></sidecar>`,
      );
      expect(await stagesWith([]).run('sidecar', { ...subject, sidecarPath: elsewhere })).toEqual({
        kind: 'verdict',
        verdict: {
          passed: false,
          rule: 'sidecar.destination',
          reason: "destinations mars are not among the asset's targets (broadcast)",
        },
      });
    });

    test('an unreadable sidecar is refused with a fixed reason', async () => {
      expect(await stagesWith([]).run('sidecar', { ...subject, sidecarPath: join(dir, 'gone.xml') })).toEqual({
        kind: 'verdict',
        verdict: { passed: false, rule: 'sidecar.unreadable', reason: 'the sidecar could not be read from staging' },
      });
    });
  });

  test('analysis judges every target in one read and passes a sound file with the outcome of each', async () => {
    const seen: string[][] = [];
    const outcomes = {
      broadcast: { outcome: 'refused', rule: 'policy.container', reason: "target 'broadcast': no" },
      archive: { outcome: 'accepted' },
    };
    const judging = {
      analyze: async (_p: string, _n: string, targets: string[]) => {
        seen.push(targets);
        return { passed: true, technical: { container: 'wav' }, targetOutcomes: outcomes };
      },
    } as unknown as Analyzer;
    const stages = createScreeningStages({ whitelist: {}, intrusion, engines: [], analyzer: judging });
    expect(await stages.run('analysis', { ...subject, targets: ['broadcast', 'archive'] })).toEqual({
      kind: 'verdict',
      verdict: { passed: true, technical: { container: 'wav' }, targetOutcomes: outcomes },
    });
    expect(seen).toEqual([['broadcast', 'archive']]);
  });

  test('a pool asset is judged by no policy and its verdict carries no outcomes', async () => {
    const pool = {
      analyze: async (_p: string, _n: string, targets: string[]) => ({
        passed: true,
        technical: { container: 'wav', targets },
        targetOutcomes: {},
      }),
    } as unknown as Analyzer;
    const stages = createScreeningStages({ whitelist: {}, intrusion, engines: [], analyzer: pool });
    expect(await stages.run('analysis', { ...subject, targets: [] })).toEqual({
      kind: 'verdict',
      verdict: { passed: true, technical: { container: 'wav', targets: [] } },
    });
  });

  test('analysis still quarantines what may be hostile (a file that is not what its name claims)', async () => {
    const mismatch = {
      analyze: async () => ({
        passed: false,
        rule: 'analysis.format-mismatch',
        reason: 'the content is wav but the extension .mov promises mov',
      }),
    } as unknown as Analyzer;
    const stages = createScreeningStages({ whitelist: {}, intrusion, engines: [], analyzer: mismatch });
    expect(await stages.run('analysis', subject)).toEqual({
      kind: 'verdict',
      verdict: {
        passed: false,
        rule: 'analysis.format-mismatch',
        reason: 'the content is wav but the extension .mov promises mov',
      },
    });
  });
});
