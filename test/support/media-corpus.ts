import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eicar, elfExecutable, peExecutable, zip } from '../../services/screening/testing/corpus';

/*
 * The clean and hostile corpus of the screening end-to-end tests (issue 3,
 * "Bad input"). Clean media is made by Debian's ffmpeg; hostile samples are
 * built in memory from services/screening/testing/corpus.ts, so the
 * repository ships no malware-like file.
 *
 * Every sample says where it is dropped and how it must end. The drop target
 * is chosen so that the rule under test is the one that fires: the whitelist
 * runs first, and broadcast accepts only mxf mp4 mov wav png jpg jpeg, so a
 * .zip or .com sample sent to broadcast would stop at `whitelist.type` and
 * prove nothing about the intrusion filter or the engines. Those go to
 * `drop/archive/`, where any extension is accepted.
 */

export type Target = 'broadcast' | 'archive';
export type StageName = 'whitelist' | 'intrusion' | 'antivirus' | 'analysis' | 'sidecar';

export type Expectation = { state: 'cleared' } | { state: 'quarantined'; stage: StageName; rule: string };

export interface Sample {
  /** File name in the drop folder; unique across the corpus, so assets are matched by original name. */
  name: string;
  data: Buffer;
  target: Target;
  /** An XML sidecar dropped beside the media (same base name). */
  sidecar?: Buffer;
  expect: Expectation;
  /** Why it ends there, checked against the stage code. */
  why: string;
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export interface CleanMedia {
  mxf: Buffer;
  mp4: Buffer;
  wav: Buffer;
  png: Buffer;
}

/** Duration of every generated clip, seconds. */
export const CLIP_SECONDS = 2;

function ffmpeg(args: string[], out: string): void {
  try {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, out], { stdio: 'pipe' });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new Error('ffmpeg is not installed (apt-get install -y ffmpeg); the clean corpus is made with it');
    }
    throw new Error(`ffmpeg failed writing ${out}: ${e.stderr?.toString() ?? String(err)}`);
  }
}

let cached: CleanMedia | undefined;

/**
 * Clean media matching the shipped broadcast policy: MXF mpeg2video
 * 1920x1080 25 fps with 48 kHz PCM, MP4 h264 1280x720 25 fps without audio,
 * WAV 48 kHz PCM, and a PNG still. Made once per test process.
 */
export function cleanMedia(): CleanMedia {
  if (cached) return cached;
  const dir = join(tmpdir(), `mxhub-media-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const t = String(CLIP_SECONDS);
  const files = {
    mxf: join(dir, 'clip.mxf'),
    mp4: join(dir, 'clip.mp4'),
    wav: join(dir, 'clip.wav'),
    png: join(dir, 'still.png'),
  };
  const video = (size: string) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`];
  const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
  if (!existsSync(files.mxf)) {
    const mpeg2 = ['-c:v', 'mpeg2video', '-b:v', '8M', '-maxrate', '8M', '-bufsize', '4M', '-pix_fmt', 'yuv422p'];
    ffmpeg(
      [...video('1920x1080'), ...tone, '-t', t, ...mpeg2, '-c:a', 'pcm_s16le', '-ar', '48000', '-ac', '1'],
      files.mxf,
    );
  }
  if (!existsSync(files.mp4)) {
    ffmpeg(
      [...video('1280x720'), '-t', t, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-an'],
      files.mp4,
    );
  }
  if (!existsSync(files.wav)) ffmpeg([...tone, '-t', t, '-c:a', 'pcm_s16le', '-ar', '48000'], files.wav);
  if (!existsSync(files.png)) ffmpeg([...video('640x360'), '-frames:v', '1'], files.png);
  cached = {
    mxf: readFileSync(files.mxf),
    mp4: readFileSync(files.mp4),
    wav: readFileSync(files.wav),
    png: readFileSync(files.png),
  };
  return cached;
}

let aacMp4: Buffer | undefined;

/**
 * A clean H.264/AAC MP4, 1280x720 25 fps with 48 kHz AAC: sound, but the
 * shipped broadcast policy wants PCM audio, so broadcast refuses its format
 * (or transcodes it, when its policy names a profile). Made once per process.
 */
export function h264AacMp4(): Buffer {
  if (aacMp4) return aacMp4;
  const dir = join(tmpdir(), `mxhub-media-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'aac.mp4');
  if (!existsSync(file)) {
    ffmpeg(
      [
        ...['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25'],
        ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
        ...['-t', String(CLIP_SECONDS), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
        ...['-c:a', 'aac', '-b:a', '128k', '-ar', '48000'],
      ],
      file,
    );
  }
  aacMp4 = readFileSync(file);
  return aacMp4;
}

/** A valid sidecar (formats/sidecar/sidecar.md) for a media file. */
export function sidecarXml(fields: { title: string; checksum?: string; duration?: string }): Buffer {
  return Buffer.from(
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<sidecar xmlns="urn:mxhub:sidecar:1" version="1">',
      `  <title>${fields.title}</title>`,
      '  <materialId>MAT-2026-00042</materialId>',
      ...(fields.checksum ? [`  <checksum>${fields.checksum}</checksum>`] : []),
      ...(fields.duration ? [`  <duration>${fields.duration}</duration>`] : []),
      '</sidecar>',
      '',
    ].join('\n'),
  );
}

/** Text of /etc/passwd a successful XXE would put in a title (checked absent from every output). */
export const PASSWD_MARKER = 'root:x:0:0';
/** What a billion-laughs expansion would produce (checked absent from every output). */
export const LAUGHS_MARKER = 'lollollollol';
/** Parts of the EICAR string no output may contain (signature names are fine). */
export const EICAR_MARKERS = ['X5O!P%@AP[4', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE'];

const XXE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE sidecar [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<sidecar xmlns="urn:mxhub:sidecar:1" version="1"><title>&xxe;</title><materialId>MAT-1</materialId></sidecar>
`;

const LAUGHS = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE sidecar [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<sidecar xmlns="urn:mxhub:sidecar:1" version="1"><title>&lol9;</title><materialId>MAT-2</materialId></sidecar>
`;

const quarantined = (stage: StageName, rule: string) => ({ state: 'quarantined' as const, stage, rule });

/** Clean media for broadcast: every stage passes, the asset is cleared. */
export function cleanCorpus(prefix = ''): Sample[] {
  const m = cleanMedia();
  const why = 'clean ffmpeg media matching the broadcast policy';
  return [
    { name: `${prefix}news-open.mxf`, data: m.mxf, target: 'broadcast', expect: { state: 'cleared' }, why },
    { name: `${prefix}promo.mp4`, data: m.mp4, target: 'broadcast', expect: { state: 'cleared' }, why },
    { name: `${prefix}voice.wav`, data: m.wav, target: 'broadcast', expect: { state: 'cleared' }, why },
    { name: `${prefix}lower-third.png`, data: m.png, target: 'broadcast', expect: { state: 'cleared' }, why },
  ];
}

/** The hostile corpus of issue 3, each with the stage and rule it must end at. */
export function hostileCorpus(prefix = ''): Sample[] {
  const m = cleanMedia();
  const e = eicar();
  const n = (name: string) => `${prefix}${name}`;
  return [
    {
      name: n('eicar.com'),
      data: e,
      target: 'archive',
      expect: quarantined('antivirus', 'antivirus.infected'),
      why: 'archive takes any extension and one; EICAR is text no intrusion check refuses; clamd and YARA-X match it',
    },
    {
      name: n('eicar.zip'),
      data: zip([{ name: 'readme.txt', data: e }]),
      target: 'archive',
      expect: quarantined('antivirus', 'antivirus.infected'),
      why: 'a small, well-formed zip passes the archive limits; clamd (ScanArchive yes) finds EICAR inside',
    },
    {
      name: n('eicar.mxf'),
      data: e,
      target: 'broadcast',
      expect: quarantined('antivirus', 'antivirus.infected'),
      why: '.mxf passes the whitelist; antivirus runs before analysis would see it is no MXF',
    },
    {
      name: n('eicar-padded.mp4'),
      data: Buffer.concat([e, Buffer.from(' \t'.repeat(40) + '\r\n')]),
      target: 'broadcast',
      expect: quarantined('antivirus', 'antivirus.infected'),
      why: 'trailing whitespace changes the hash but not the body signature or the YARA rule',
    },
    {
      name: n('eicar-in-image.png'),
      data: Buffer.concat([m.png, e]),
      target: 'broadcast',
      expect: quarantined('antivirus', 'antivirus.infected'),
      why: 'a real PNG passes the intrusion filter; engines match EICAR at any offset before analysis sees trailing data',
    },
    {
      name: n('camera-a.mxf'),
      data: elfExecutable(),
      target: 'broadcast',
      expect: quarantined('intrusion', 'content.executable'),
      why: 'ELF magic is recognised by content whatever the extension',
    },
    {
      name: n('interview.mp4'),
      data: peExecutable(),
      target: 'broadcast',
      expect: quarantined('intrusion', 'content.executable'),
      why: 'MZ/PE magic is recognised by content whatever the extension',
    },
    {
      name: n('truncated.mp4'),
      data: m.mp4.subarray(0, Math.floor(m.mp4.length * 0.6)),
      target: 'broadcast',
      expect: quarantined('analysis', 'analysis.truncated'),
      why: 'ffmpeg writes mdat before moov; cut at 60% the mdat box declares more bytes than the file has',
    },
    {
      name: n('empty.mxf'),
      data: Buffer.alloc(0),
      target: 'broadcast',
      expect: quarantined('intrusion', 'size.zero'),
      why: 'zero bytes are refused by the size check (names pass first)',
    },
    {
      name: n('bomb.zip'),
      data: zip([{ name: 'zeros.bin', data: Buffer.alloc(32 * 2 ** 20) }]),
      target: 'archive',
      expect: quarantined('intrusion', 'archive.ratio'),
      why: '32 MiB of zeros deflate about 1000:1, over the 100:1 limit, refused from the central directory alone',
    },
    {
      name: n('clip\u202Egpj.mxf'),
      data: m.png,
      target: 'broadcast',
      expect: quarantined('intrusion', 'name.bidi-override'),
      why: 'the real extension is .mxf (whitelist passes); the RLO makes it display as ...mxf.jpg',
    },
    {
      name: n('invoice.exe.mxf'),
      data: peExecutable(),
      target: 'broadcast',
      expect: quarantined('intrusion', 'name.double-extension'),
      why: 'the name is checked before the content, and .exe before .mxf is a double extension',
    },
    {
      name: n('xxe.mxf'),
      data: m.mxf,
      sidecar: Buffer.from(XXE),
      target: 'broadcast',
      expect: quarantined('sidecar', 'sidecar.doctype'),
      why: 'the connector parses the sidecar at claim time and refuses any DOCTYPE before expanding it',
    },
    {
      name: n('laughs.mp4'),
      data: m.mp4,
      sidecar: Buffer.from(LAUGHS),
      target: 'broadcast',
      expect: quarantined('sidecar', 'sidecar.doctype'),
      why: 'billion laughs needs a DOCTYPE, refused before any entity is expanded',
    },
    {
      name: n('voiceover.mov'),
      data: m.wav,
      target: 'broadcast',
      expect: quarantined('analysis', 'analysis.format-mismatch'),
      why: '.mov passes the whitelist; a WAV is clean to every engine; analysis finds wav where .mov promises mov',
    },
  ];
}
