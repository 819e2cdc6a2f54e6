import { bufferSource, type ByteSource } from '../intrusion/byte-source';
import { createMediaInfoReader } from './mediainfo';
import { metadataExtent, WAV_SAMPLES_READ } from './metadata-extent';
import { isoFile, wavFile } from './samples';

/** A source that counts the bytes read through it and the furthest offset reached. */
function counted(source: ByteSource) {
  const seen = { bytes: 0, furthest: 0 };
  const wrapped: ByteSource = {
    size: source.size,
    read: async (offset, length) => {
      const chunk = await source.read(offset, length);
      seen.bytes += chunk.length;
      seen.furthest = Math.max(seen.furthest, offset + chunk.length);
      return chunk;
    },
  };
  return { source: wrapped, seen };
}

describe('metadataExtent: what MediaInfo reads of a file', () => {
  const reader = createMediaInfoReader();
  afterAll(() => reader.close());

  // 16 MiB of samples, far more than the view lets through.
  const wav = wavFile(8 * 2 ** 20);

  it('gives MediaInfo a WAV header, its chunk index and the first samples, never the rest', async () => {
    const { source, seen } = counted(bufferSource(wav));
    await reader.read(await metadataExtent(source, 'wav'));
    expect(seen.furthest).toBeLessThanOrEqual(44 + WAV_SAMPLES_READ);
    expect(seen.bytes).toBeLessThan(2 * WAV_SAMPLES_READ);
  });

  it('reports of the cut WAV what it reports of the whole file', async () => {
    const whole = await reader.read(bufferSource(wav));
    const cut = await reader.read(await metadataExtent(bufferSource(wav), 'wav'));
    expect(cut).toEqual(whole);
    expect(cut).toMatchObject({ container: 'wav', audioCodec: 'pcm', sampleRate: 48000, bitDepth: 16 });
    expect(cut.durationSeconds).toBeCloseTo((8 * 2 ** 20) / 48000, 1);
  });

  it('leaves formats whose index MediaInfo seeks to itself whole', async () => {
    const mp4 = bufferSource(isoFile());
    expect(await metadataExtent(mp4, 'mp4')).toBe(mp4);
  });
});
