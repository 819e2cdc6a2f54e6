import { toTechnicalMetadata } from './technical-metadata';

describe('toTechnicalMetadata', () => {
  it('normalises MediaInfo tracks of an MXF clip', () => {
    const tracks = [
      { '@type': 'General', Format: 'MXF', Duration: 1, OverallBitRate: 2191816, FrameRate: 25 },
      { '@type': 'Video', Format: 'MPEG Video', Format_Version: '2', Width: 1280, Height: 720, FrameRate: 25 },
      { '@type': 'Audio', Format: 'PCM', Channels: 1, SamplingRate: 48000, BitDepth: 16 },
    ];
    expect(toTechnicalMetadata(tracks)).toEqual({
      container: 'mxf',
      videoCodec: 'mpeg2',
      width: 1280,
      height: 720,
      frameRate: 25,
      bitRate: 2191816,
      durationSeconds: 1,
      audioCodec: 'pcm',
      channels: 1,
      sampleRate: 48000,
      bitDepth: 16,
    });
  });

  it('tells QuickTime from MP4 and reads images as pictures without a frame rate', () => {
    expect(toTechnicalMetadata([{ '@type': 'General', Format: 'MPEG-4', Format_Profile: 'QuickTime' }])).toEqual({
      container: 'mov',
    });
    expect(
      toTechnicalMetadata([
        { '@type': 'General', Format: 'PNG' },
        { '@type': 'Image', Format: 'PNG', Width: '320', Height: '240', BitDepth: 8 },
      ]),
    ).toEqual({ container: 'png', videoCodec: 'png', width: 320, height: 240 });
  });

  it('keeps unknown formats, lower-cased', () => {
    expect(toTechnicalMetadata([{ '@type': 'General', Format: 'Matroska' }])).toEqual({ container: 'matroska' });
    expect(toTechnicalMetadata([])).toEqual({ container: 'unknown' });
  });
});
