import { ingestEvents, type IngestFacts } from './events';

const facts: IngestFacts = {
  assetId: 'a-1',
  network: 'news',
  targets: ['broadcast'],
  originalName: 'clip.mxf',
  stagedPath: '/n/.mxhub/staging/a-1/clip.mxf',
  sizeBytes: 42,
  sha256: 'ab'.repeat(32),
};
const ids = () => {
  let n = 0;
  return () => `e-${++n}`;
};
const at = '2026-11-22T06:00:00.000Z';

describe('ingestEvents', () => {
  it('opens the journey with detected then ingested, each caused by the one before', () => {
    const events = ingestEvents(facts, ids(), at);
    expect(events.map((e) => [e.type, e.id, e.metadata.causationId])).toEqual([
      ['AssetDetected', 'e-1', 'a-1'],
      ['AssetIngested', 'e-2', 'e-1'],
    ]);
    expect(events.every((e) => e.metadata.correlationId === 'a-1' && e.metadata.actor === 'connector:news')).toBe(true);
    expect(events[0]!.data).toEqual({
      assetId: 'a-1',
      sourceNetwork: 'news',
      targets: ['broadcast'],
      originalName: 'clip.mxf',
      sizeBytes: 42,
    });
    expect(events[1]!.data).toEqual({
      assetId: 'a-1',
      stagedPath: facts.stagedPath,
      sizeBytes: 42,
      sha256: facts.sha256,
    });
  });

  it('adds SidecarParsed for a sidecar that parsed', () => {
    const sidecar = { title: 'T', materialId: 'M-1', destinations: [], extra: [] };
    const events = ingestEvents({ ...facts, sidecar: { ok: true, sidecar } }, ids(), at);
    expect(events.map((e) => e.type)).toEqual(['AssetDetected', 'AssetIngested', 'SidecarParsed']);
    expect(events[2]!.data).toEqual({ assetId: 'a-1', sidecar });
  });

  it('adds a failed sidecar verdict and the quarantine for a sidecar that did not', () => {
    const refused = {
      ok: false as const,
      rule: 'sidecar.doctype',
      reason: 'has a DOCTYPE',
      quarantinePath: '/q/clip.mxf',
    };
    const events = ingestEvents({ ...facts, sidecar: refused }, ids(), at);
    expect(events.map((e) => [e.type, e.metadata.causationId])).toEqual([
      ['AssetDetected', 'a-1'],
      ['AssetIngested', 'e-1'],
      ['AssetScreened', 'e-2'],
      ['AssetQuarantined', 'e-3'],
    ]);
    expect(events[2]!.data).toEqual({
      assetId: 'a-1',
      stage: 'sidecar',
      passed: false,
      rule: 'sidecar.doctype',
      reason: 'has a DOCTYPE',
    });
    expect(events[3]!.data).toEqual({
      assetId: 'a-1',
      stage: 'sidecar',
      rule: 'sidecar.doctype',
      reason: 'has a DOCTYPE',
      quarantinePath: '/q/clip.mxf',
    });
  });
});
