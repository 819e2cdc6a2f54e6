import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../lib/errors';
import {
  eicar,
  elfExecutable,
  jpeg,
  machOExecutable,
  mp4Head,
  peExecutable,
  png,
  TEST_MARKER,
  zip,
} from '../testing/corpus';
import { describeScanEngineContract } from './scan-engine.contract';
import { createYaraEngine } from './yara';

describeScanEngineContract('YARA-X', () => createYaraEngine());

describe('createYaraEngine: the shipped rules', () => {
  const engine = createYaraEngine();
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mxhub-yara-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const scan = async (content: Buffer) => {
    const file = path.join(dir, `sample-${Math.random().toString(36).slice(2)}`);
    await writeFile(file, content);
    return engine.scanFile(file);
  };
  const media = (payload: Buffer) =>
    Buffer.concat([mp4Head(), Buffer.alloc(1000, 0x11), payload, Buffer.alloc(1000, 0x22)]);
  const rar = Buffer.concat([Buffer.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00]), Buffer.alloc(32)]);
  const smallZip = () => zip([{ name: 'payload.txt', data: Buffer.from('hidden') }]);

  it.each([
    ['EICAR in UTF-16', Buffer.from(eicar().toString('latin1'), 'utf16le'), 'MxHub_EICAR'],
    ['EICAR base64-encoded', Buffer.from(`data=${eicar().toString('base64')}\n`), 'MxHub_EICAR_Base64'],
    ['EICAR after a megabyte of padding', Buffer.concat([Buffer.alloc(2 ** 20, 0x20), eicar()]), 'MxHub_EICAR'],
    ['an ELF inside an MP4', media(elfExecutable()), 'MxHub_Embedded_ELF'],
    ['a PE inside an MP4', media(peExecutable()), 'MxHub_Embedded_PE'],
    ['a Mach-O inside an MP4', media(machOExecutable()), 'MxHub_Embedded_MachO'],
    ['a zip after a PNG', Buffer.concat([png(), smallZip()]), 'MxHub_Archive_After_PNG'],
    ['a RAR after a PNG', Buffer.concat([png(), rar]), 'MxHub_Archive_After_PNG'],
    ['a zip after a JPEG', Buffer.concat([jpeg(), smallZip()]), 'MxHub_Archive_After_JPEG'],
    [
      'a zip after a JPEG and some filler',
      Buffer.concat([jpeg(), Buffer.alloc(100, 1), smallZip()]),
      'MxHub_Archive_After_JPEG',
    ],
    ['the mxhub test marker in UTF-16', Buffer.from(TEST_MARKER, 'utf16le'), 'MxHub_Test_Marker'],
    [
      'a script inside a PNG',
      Buffer.concat([png(), Buffer.from('<script>fetch("x")</script>')]),
      'MxHub_Script_In_Media',
    ],
  ])('detects %s', async (_what, content, rule) => {
    expect(await scan(content)).toMatchObject({ outcome: 'infected', signature: rule });
  });

  it.each([
    ['a PNG', png()],
    ['a JPEG', jpeg()],
    [
      'an MP4 with random-looking payload',
      media(Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919) % 251))),
    ],
    ['a zip on its own', smallZip()],
    ['an MP4 mentioning ELF and MZ in passing', media(Buffer.from('ELF MZ PE notes'))],
  ])('clears %s', async (_what, content) => {
    expect(await scan(content)).toMatchObject({ outcome: 'clean' });
  });

  it('names rules and descriptions in its reason, never the matched bytes', async () => {
    const verdict = await scan(Buffer.concat([png(), eicar(), Buffer.from(TEST_MARKER)]));
    expect(verdict.reason).toBe('YARA-X rule MxHub_EICAR: EICAR anti-virus test string (also MxHub_Test_Marker)');
  });

  it('versions the rule set by its content', async () => {
    const { signatureVersion } = await engine.version();
    expect(signatureVersion).toMatch(/^mxhub-rules sha256:[0-9a-f]{16} \(4 files\)$/);
    expect((await createYaraEngine().version()).signatureVersion).toBe(signatureVersion);
  });

  it('refuses rules that do not compile when it is created, not when it scans', async () => {
    const bad = path.join(dir, 'bad.yar');
    await writeFile(bad, 'rule broken { condition: no_such_identifier }');
    expect(() => createYaraEngine({ rulePaths: [bad] })).toThrow(ConfigError);
    expect(() => createYaraEngine({ rulePaths: [path.join(dir, 'missing')] })).toThrow(/does not exist/);
  });
});
