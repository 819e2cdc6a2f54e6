import type { TargetOutcome } from '../../../events/catalog/asset-events';
import { houseProfileNames } from '../../../formats/house-profiles/profiles';
import { ConfigError } from '../../../lib/errors';
import { passed, refused, type PolicyRule, type StepResult } from './result';
import type { TechnicalMetadata } from './technical-metadata';

/**
 * What one target accepts, MediaConch-style, as plain data (it comes from
 * configuration). A list constrains its field whenever the file has that
 * kind of stream; an omitted list accepts anything. A still image is checked
 * against `containers` only: resolutions and frame rates describe video.
 */
export interface AcceptancePolicy {
  containers: string[];
  videoCodecs?: string[];
  /** `WIDTHxHEIGHT`, e.g. `1920x1080`. */
  resolutions?: string[];
  /** Frames per second; 29.97 also matches 30000/1001 as MediaInfo reports it. */
  frameRates?: number[];
  audioCodecs?: string[];
  /** Hz. */
  sampleRates?: number[];
  bitDepths?: number[];
  /**
   * House profile (formats/house-profiles) of a rendition made for this
   * target when it refuses the original. Absent: such a file is refused for
   * this target (it still goes to the others).
   */
  transcode?: string;
}

export type AcceptancePolicies = Readonly<Record<string, AcceptancePolicy>>;

/**
 * The shipped policies. Broadcast and news take playout-ready video (MXF,
 * MP4, MOV with broadcast codecs, HD rasters and frame rates, PCM at 48 kHz),
 * 48 kHz PCM WAV and stills for graphics; archive takes more.
 */
export const defaultPolicies: AcceptancePolicies = {
  broadcast: {
    containers: ['mxf', 'mp4', 'mov', 'wav', 'png', 'jpeg'],
    videoCodecs: ['mpeg2', 'h264', 'hevc', 'dnxhd', 'prores', 'jpeg2000'],
    resolutions: ['1920x1080', '1280x720'],
    frameRates: [25, 50, 29.97],
    audioCodecs: ['pcm'],
    sampleRates: [48000],
    // What broadcast refuses is made into its house format rather than refused (issue 14 item 2).
    transcode: 'xdcam-hd422-mxf',
  },
  news: {
    containers: ['mxf', 'mp4', 'mov', 'wav', 'png', 'jpeg'],
    videoCodecs: ['mpeg2', 'h264', 'hevc', 'dnxhd', 'prores', 'jpeg2000'],
    resolutions: ['1920x1080', '1280x720', '1024x576', '720x576'],
    frameRates: [25, 50, 29.97],
    audioCodecs: ['pcm', 'aac'],
    sampleRates: [48000],
  },
  archive: {
    containers: ['mxf', 'mp4', 'mov', 'wav', 'png', 'jpeg'],
    audioCodecs: ['pcm', 'aac', 'mp3', 'ac3', 'eac3'],
    sampleRates: [44100, 48000, 96000],
  },
};

const STRING_LISTS = ['containers', 'videoCodecs', 'resolutions', 'audioCodecs'] as const;
const NUMBER_LISTS = ['frameRates', 'sampleRates', 'bitDepths'] as const;
const KNOWN_KEYS = new Set<string>([...STRING_LISTS, ...NUMBER_LISTS, 'transcode']);

function validatePolicy(name: string, raw: unknown): AcceptancePolicy {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`analysis policy '${name}' must be an object of accepted values`);
  }
  const entries = raw as Record<string, unknown>;
  for (const key of Object.keys(entries)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ConfigError(`analysis policy '${name}': unknown key '${key}'; accepted: ${[...KNOWN_KEYS].join(', ')}`);
    }
  }
  const list = (key: string, kind: 'string' | 'number') => {
    const value = entries[key];
    if (value === undefined) return;
    const valid = Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === kind);
    if (!valid) throw new ConfigError(`analysis policy '${name}.${key}' must be a non-empty list of ${kind}s`);
  };
  STRING_LISTS.forEach((key) => list(key, 'string'));
  NUMBER_LISTS.forEach((key) => list(key, 'number'));
  if (entries.containers === undefined) throw new ConfigError(`analysis policy '${name}.containers' is required`);
  const badResolution = (entries.resolutions as string[] | undefined)?.find((r) => !/^\d+x\d+$/.test(r));
  if (badResolution !== undefined) {
    throw new ConfigError(`analysis policy '${name}.resolutions': '${badResolution}' is not WIDTHxHEIGHT`);
  }
  const { transcode } = entries;
  if (transcode !== undefined && (typeof transcode !== 'string' || !houseProfileNames.includes(transcode))) {
    throw new ConfigError(
      `analysis policy '${name}.transcode': ${JSON.stringify(transcode)} is not a house profile; known: ${houseProfileNames.join(', ')}`,
    );
  }
  return entries as unknown as AcceptancePolicy;
}

/** Validates policies from configuration once, at start-up; errors name the policy and key at fault. */
export function loadPolicies(raw: unknown): AcceptancePolicies {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('analysis policies must be an object keyed by target name');
  }
  return Object.fromEntries(Object.entries(raw).map(([name, policy]) => [name, validatePolicy(name, policy)]));
}

const sameRate = (a: number, b: number) => Math.abs(a - b) < 0.01;

function accepts<T>(
  field: string,
  value: T | undefined,
  accepted: T[] | undefined,
  same = Object.is,
): StepResult<PolicyRule> {
  if (value === undefined || accepted === undefined || accepted.some((item) => same(item, value))) return passed;
  return refused(`policy.${field}`, `${field} is ${String(value)}; accepted: ${accepted.join(', ')}`);
}

/** The first field of `metadata` the policy does not accept, named with its value and the accepted values. */
export function checkPolicy(policy: AcceptancePolicy, metadata: TechnicalMetadata): StepResult<PolicyRule> {
  const isVideo = metadata.videoCodec !== undefined && metadata.frameRate !== undefined;
  const resolution =
    isVideo && metadata.width !== undefined && metadata.height !== undefined
      ? `${metadata.width}x${metadata.height}`
      : undefined;
  const checks = [
    accepts('container', metadata.container, policy.containers),
    accepts('videoCodec', isVideo ? metadata.videoCodec : undefined, policy.videoCodecs),
    accepts('resolution', resolution, policy.resolutions),
    accepts('frameRate', isVideo ? metadata.frameRate : undefined, policy.frameRates, sameRate),
    accepts('audioCodec', metadata.audioCodec, policy.audioCodecs),
    accepts('sampleRate', metadata.sampleRate, policy.sampleRates),
    accepts('bitDepth', metadata.audioCodec === undefined ? undefined : metadata.bitDepth, policy.bitDepths),
  ];
  return checks.find((check) => !check.ok) ?? passed;
}

/**
 * What the policy says of a sound file for its target: accepted as it is;
 * else a rendition in the policy's house profile, or refused for this target
 * only. Never a quarantine: a format is no threat.
 */
export function targetOutcome(policy: AcceptancePolicy, metadata: TechnicalMetadata, target: string): TargetOutcome {
  const verdict = checkPolicy(policy, metadata);
  if (verdict.ok) return { outcome: 'accepted' };
  const why = { rule: verdict.rule, reason: `target '${target}': ${verdict.reason}` };
  return policy.transcode
    ? { outcome: 'transcode', profile: policy.transcode, ...why }
    : { outcome: 'refused', ...why };
}
