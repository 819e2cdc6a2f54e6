import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eicar, mp4Head, png, TEST_MARKER } from '../testing/corpus';
import type { ScanEngine } from './scan-engine';

/**
 * What every ScanEngine adapter must do, run against each of them (YARA-X in
 * the unit tier, clamd in the integration tier): detect the shipped test
 * signatures, clear clean media covering every byte, and fail closed.
 */
export function describeScanEngineContract(label: string, makeEngine: () => ScanEngine): void {
  describe(`ScanEngine contract: ${label}`, () => {
    let dir: string;
    let engine: ScanEngine;
    const file = async (name: string, content: Buffer) => {
      const target = path.join(dir, name);
      await writeFile(target, content);
      return target;
    };

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'mxhub-engine-'));
      engine = makeEngine();
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it.each([
      ['plain', () => eicar()],
      [
        'renamed to .mxf and padded with trailing whitespace',
        () => Buffer.concat([eicar(), Buffer.from('   \r\n\t  ')]),
      ],
      ['appended to a PNG', () => Buffer.concat([png(), eicar()])],
    ])('detects EICAR %s', async (what, content) => {
      const verdict = await engine.scanFile(await file(`eicar-${what.length}.mxf`, content()));
      expect(verdict).toMatchObject({ engine: engine.name, outcome: 'infected', signature: expect.any(String) });
      expect(verdict.reason).not.toContain('EICAR-STANDARD');
    });

    it('detects the mxhub test marker inside media', async () => {
      const content = Buffer.concat([mp4Head(), Buffer.alloc(4096, 7), Buffer.from(TEST_MARKER), Buffer.alloc(512)]);
      expect(await engine.scanFile(await file('marked.mp4', content))).toMatchObject({ outcome: 'infected' });
    });

    it('clears clean media, covering every byte, with versions recorded', async () => {
      const content = Buffer.concat([mp4Head(), Buffer.alloc(256 * 1024, 0x42)]);
      const verdict = await engine.scanFile(await file('clean.mp4', content));
      expect(verdict).toEqual({
        engine: engine.name,
        engineVersion: expect.stringMatching(/\d+\.\d+/),
        signatureVersion: expect.any(String),
        bytesCovered: content.length,
        outcome: 'clean',
      });
      expect(await engine.version()).toEqual({
        engineVersion: verdict.engineVersion,
        signatureVersion: verdict.signatureVersion,
      });
    });

    it('fails closed on a file it cannot read', async () => {
      const verdict = await engine.scanFile(path.join(dir, 'does-not-exist.mxf'));
      expect(verdict).toMatchObject({
        engine: engine.name,
        outcome: 'error',
        bytesCovered: 0,
        reason: expect.stringMatching(/ENOENT|No such file/),
      });
    });

    it('fails closed when the scan is aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const verdict = await engine.scanFile(await file('aborted.mp4', mp4Head()), { signal: controller.signal });
      expect(verdict).toMatchObject({ outcome: 'error', reason: expect.stringContaining('aborted') });
    });
  });
}
