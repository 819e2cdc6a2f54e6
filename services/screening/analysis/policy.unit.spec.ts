import { ConfigError } from '../../../lib/errors';
import { checkPolicy, defaultPolicies, loadPolicies, targetOutcome } from './policy';
import type { TechnicalMetadata } from './technical-metadata';

const hdClip: TechnicalMetadata = {
  container: 'mxf',
  videoCodec: 'mpeg2',
  width: 1920,
  height: 1080,
  frameRate: 25,
  audioCodec: 'pcm',
  sampleRate: 48000,
  bitDepth: 24,
  channels: 2,
};
const broadcast = defaultPolicies.broadcast!;
const archive = defaultPolicies.archive!;

describe('checkPolicy', () => {
  it('accepts what the policy lists', () => {
    expect(checkPolicy(broadcast, hdClip)).toEqual({ ok: true });
    expect(checkPolicy(broadcast, { ...hdClip, frameRate: 29.97002997 })).toEqual({ ok: true });
  });

  it.each([
    ['container', { container: 'matroska' }, 'container is matroska; accepted: mxf, mp4, mov, wav, png, jpeg'],
    [
      'videoCodec',
      { videoCodec: 'mpeg4' },
      'videoCodec is mpeg4; accepted: mpeg2, h264, hevc, dnxhd, prores, jpeg2000',
    ],
    ['resolution', { width: 320, height: 240 }, 'resolution is 320x240; accepted: 1920x1080, 1280x720'],
    ['frameRate', { frameRate: 24 }, 'frameRate is 24; accepted: 25, 50, 29.97'],
    ['audioCodec', { audioCodec: 'aac' }, 'audioCodec is aac; accepted: pcm'],
    ['sampleRate', { sampleRate: 44100 }, 'sampleRate is 44100; accepted: 48000'],
  ])('names the field, its value and what is accepted: %s', (field, change, reason) => {
    expect(checkPolicy(broadcast, { ...hdClip, ...change })).toEqual({ ok: false, rule: `policy.${field}`, reason });
  });

  it('checks a still image against containers only', () => {
    const still: TechnicalMetadata = { container: 'png', videoCodec: 'png', width: 320, height: 240 };
    expect(checkPolicy(archive, still)).toEqual({ ok: true });
    expect(checkPolicy(broadcast, still)).toEqual({ ok: true });
    expect(checkPolicy(broadcast, { ...still, container: 'gif' })).toMatchObject({
      ok: false,
      rule: 'policy.container',
    });
  });

  it('does not constrain streams the file does not have', () => {
    const mute: TechnicalMetadata = { container: 'mp4', videoCodec: 'h264', width: 1280, height: 720, frameRate: 50 };
    expect(checkPolicy(broadcast, mute)).toEqual({ ok: true });
  });
});

describe('targetOutcome: a format is refused per target, never quarantined', () => {
  const aacMp4: TechnicalMetadata = { ...hdClip, container: 'mp4', videoCodec: 'h264', audioCodec: 'aac' };

  it('accepts what the policy accepts', () => {
    expect(targetOutcome(broadcast, hdClip, 'broadcast')).toEqual({ outcome: 'accepted' });
  });

  it('refuses for the target, naming rule and reason, when the policy names no profile', () => {
    const { transcode: _profile, ...noProfile } = broadcast;
    expect(targetOutcome(noProfile, aacMp4, 'broadcast')).toEqual({
      outcome: 'refused',
      rule: 'policy.audioCodec',
      reason: "target 'broadcast': audioCodec is aac; accepted: pcm",
    });
  });

  it('asks for a rendition in the house profile the policy names (the shipped broadcast policy: XDCAM HD422)', () => {
    expect(targetOutcome(broadcast, aacMp4, 'broadcast')).toEqual({
      outcome: 'transcode',
      profile: 'xdcam-hd422-mxf',
      rule: 'policy.audioCodec',
      reason: "target 'broadcast': audioCodec is aac; accepted: pcm",
    });
  });
});

describe('loadPolicies', () => {
  it('accepts the shipped policies', () => {
    expect(loadPolicies(JSON.parse(JSON.stringify(defaultPolicies)))).toEqual(defaultPolicies);
  });

  it('accepts a transcode naming a house profile', () => {
    const raw = { broadcast: { containers: ['mxf'], transcode: 'xdcam-hd422-mxf' } };
    expect(loadPolicies(raw)).toEqual(raw);
  });

  it.each([
    [{ news: [] }, "analysis policy 'news' must be an object of accepted values"],
    [{ news: { videoCodecs: ['h264'] } }, "analysis policy 'news.containers' is required"],
    [
      { news: { containers: ['mxf'], frameRates: ['25'] } },
      "analysis policy 'news.frameRates' must be a non-empty list of numbers",
    ],
    [
      { news: { containers: ['mxf'], resolutions: ['HD'] } },
      "analysis policy 'news.resolutions': 'HD' is not WIDTHxHEIGHT",
    ],
    [{ news: { containers: ['mxf'], codecs: ['h264'] } }, /unknown key 'codecs'; accepted: containers, videoCodecs/],
    [
      { news: { containers: ['mxf'], transcode: 'betacam' } },
      /analysis policy 'news.transcode': "betacam" is not a house profile; known: .*xdcam-hd422-mxf/,
    ],
    [{ news: { containers: ['mxf'], transcode: 7 } }, /analysis policy 'news.transcode': 7 is not a house profile/],
  ])('refuses a bad policy, naming the key: %j', (raw, message) => {
    expect(() => loadPolicies(raw)).toThrow(ConfigError);
    expect(() => loadPolicies(raw)).toThrow(message);
  });
});
