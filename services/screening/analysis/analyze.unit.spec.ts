import { bufferSource } from '../intrusion/byte-source';
import { png } from '../testing/corpus';
import { createAnalyzer } from './analyze';
import { defaultPolicies } from './policy';
import type { MetadataReader } from './mediainfo';
import { isoFile, mxfFile } from './samples';
import type { TechnicalMetadata } from './technical-metadata';

/** An in-memory metadata reader: answers `technical`, or fails with `failure`, and counts reads. */
function fakeReader(technical: TechnicalMetadata, failure?: Error) {
  const reader: MetadataReader & { reads: number; closed: boolean } = {
    reads: 0,
    closed: false,
    read: async () => {
      reader.reads += 1;
      if (failure) throw failure;
      return technical;
    },
    close: async () => {
      reader.closed = true;
    },
  };
  return reader;
}

const hdMxf: TechnicalMetadata = {
  container: 'mxf',
  videoCodec: 'mpeg2',
  width: 1920,
  height: 1080,
  frameRate: 25,
  audioCodec: 'pcm',
  sampleRate: 48000,
};

describe('createAnalyzer', () => {
  it('passes a well-formed file the target accepts, with its technical metadata', async () => {
    const analyzer = createAnalyzer({ metadata: fakeReader(hdMxf) });
    expect(await analyzer.analyzeSource(bufferSource(mxfFile()), 'clip.mxf', ['broadcast'])).toEqual({
      passed: true,
      technical: hdMxf,
      targetOutcomes: { broadcast: { outcome: 'accepted' } },
    });
  });

  it('judges a pool asset (no target) by no policy', async () => {
    const analyzer = createAnalyzer({ metadata: fakeReader({ ...hdMxf, container: 'matroska' }) });
    expect(await analyzer.analyzeSource(bufferSource(mxfFile()), 'clip.mxf', [])).toEqual({
      passed: true,
      technical: { ...hdMxf, container: 'matroska' },
      targetOutcomes: {},
    });
  });

  it('refuses on name and structure before reading metadata', async () => {
    const reader = fakeReader(hdMxf);
    const analyzer = createAnalyzer({ metadata: reader });
    expect(await analyzer.analyzeSource(bufferSource(png()), 'still.mxf', ['archive'])).toMatchObject({
      passed: false,
      rule: 'analysis.format-mismatch',
    });
    expect(await analyzer.analyzeSource(bufferSource(isoFile('isom', false)), 'clip.mp4', ['archive'])).toEqual({
      passed: false,
      rule: 'analysis.mp4-no-moov',
      reason: 'the file has no moov box, so its tracks cannot be read; send a finalised file',
    });
    expect(reader.reads).toBe(0);
  });

  it('refuses a file the engine cannot parse, without passing on its message', async () => {
    const analyzer = createAnalyzer({ metadata: fakeReader(hdMxf, new Error('parser choked on SECRET-BYTES')) });
    const verdict = await analyzer.analyzeSource(bufferSource(mxfFile()), 'clip.mxf', ['broadcast']);
    expect(verdict).toEqual({
      passed: false,
      rule: 'analysis.unreadable',
      reason: 'the mxf file could not be parsed for metadata',
    });
  });

  it('throws a read error of the disk rather than blaming the file', async () => {
    const diskError = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' });
    const analyzer = createAnalyzer({ metadata: fakeReader(hdMxf, diskError) });
    await expect(analyzer.analyzeSource(bufferSource(mxfFile()), 'clip.mxf', ['broadcast'])).rejects.toBe(diskError);
  });

  it('passes a sound file a policy refuses, with the outcome per target: a format is no threat', async () => {
    const { transcode: _profile, ...broadcast } = defaultPolicies.broadcast!;
    const policies = {
      ...defaultPolicies,
      broadcast,
      news: { ...defaultPolicies.news!, frameRates: [25], transcode: 'xdcam-hd422-mxf' },
    };
    const analyzer = createAnalyzer({ metadata: fakeReader({ ...hdMxf, frameRate: 24 }), policies });
    const targets = ['broadcast', 'news', 'archive'];
    expect(await analyzer.analyzeSource(bufferSource(mxfFile()), 'clip.mxf', targets)).toEqual({
      passed: true,
      technical: { ...hdMxf, frameRate: 24 },
      targetOutcomes: {
        broadcast: {
          outcome: 'refused',
          rule: 'policy.frameRate',
          reason: "target 'broadcast': frameRate is 24; accepted: 25, 50, 29.97",
        },
        news: {
          outcome: 'transcode',
          profile: 'xdcam-hd422-mxf',
          rule: 'policy.frameRate',
          reason: "target 'news': frameRate is 24; accepted: 25",
        },
        archive: { outcome: 'accepted' },
      },
    });
  });

  it('uses the policies it is given and closes its reader', async () => {
    const reader = fakeReader(hdMxf);
    const analyzer = createAnalyzer({ metadata: reader, policies: { news: { containers: ['mp4'] } } });
    await expect(analyzer.analyzeSource(bufferSource(mxfFile()), 'clip.mxf', ['broadcast'])).rejects.toThrow(
      "target 'broadcast' has no analysis policy; known targets: news",
    );
    expect(await analyzer.analyzeSource(bufferSource(mxfFile()), 'clip.mxf', ['news'])).toMatchObject({
      passed: true,
      targetOutcomes: { news: { outcome: 'refused', rule: 'policy.container' } },
    });
    await analyzer.close();
    expect(reader.closed).toBe(true);
  });
});
