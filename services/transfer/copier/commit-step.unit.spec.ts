import type { Sidecar } from '../../../formats/sidecar/sidecar';
import { deliveryNames } from './commit-step';

const transferId = '0f1e2d3c-4b5a-8697-8877-665544332211';
const sidecar: Sidecar = { title: 'clip', materialId: 'MAT-001', destinations: ['broadcast'], extra: [] };
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
/** Every name of every pair, with its UTF-8 length. */
const lengths = (pairs: Array<{ media: string; sidecar: string }>) =>
  pairs.flatMap((p) => [bytes(p.media), bytes(p.sidecar)]);

describe('deliveryNames', () => {
  it('delivers under the own name, then under the name with the transfer id', () => {
    expect(deliveryNames({ fileName: 'clip.mxf', transferId, sidecar })).toEqual([
      { media: 'clip.mxf', sidecar: 'clip.xml' },
      { media: 'clip.0f1e2d3c.mxf', sidecar: 'clip.0f1e2d3c.xml' },
    ]);
    expect(deliveryNames({ fileName: 'notes.xml', transferId, sidecar })[1]).toEqual({
      media: 'notes.0f1e2d3c.xml',
      sidecar: 'notes.0f1e2d3c.xml.xml',
    });
  });

  it('shortens the base of a 255-byte name so the collision name fits in 255 bytes', () => {
    const fileName = `${'a'.repeat(251)}.mxf`;
    expect(bytes(fileName)).toBe(255);
    const [own, other] = deliveryNames({ fileName, transferId, sidecar });
    expect(own).toEqual({ media: fileName, sidecar: `${'a'.repeat(251)}.xml` });
    expect(other).toEqual({
      media: `${'a'.repeat(242)}.0f1e2d3c.mxf`,
      sidecar: `${'a'.repeat(242)}.0f1e2d3c.xml`,
    });
    expect(lengths([own, other])).toEqual([255, 255, 255, 255]);
  });

  it('cuts a multi-byte (Chinese) name between characters, never inside one', () => {
    const base = '晚间新闻片头'.repeat(14); // 84 characters of 3 bytes: 252 bytes
    const fileName = `${base.slice(0, 83)}.mxf`; // 249 + 4 = 253 bytes
    const [own, other] = deliveryNames({ fileName, transferId, sidecar });
    expect(own.media).toBe(fileName);
    // 255 - 4 (.mxf) - 9 (.0f1e2d3c) = 242 bytes for the base: 80 whole characters (240 bytes).
    expect(other.media).toBe(`${base.slice(0, 80)}.0f1e2d3c.mxf`);
    expect(lengths([own, other]).every((n) => n <= 255)).toBe(true);
  });

  it('never splits a character outside the basic plane (a surrogate pair in JavaScript)', () => {
    const fileName = `${'🎬'.repeat(62)}.wav`; // 62 characters of 4 bytes: 248 + 4 bytes
    const other = deliveryNames({ fileName, transferId, sidecar })[1];
    expect(other.media).toBe(`${'🎬'.repeat(60)}.0f1e2d3c.wav`);
    expect(Buffer.from(other.media, 'utf8').toString('utf8')).toBe(other.media);
  });

  it('keeps room for a sidecar name longer than the media name, and only when there is a sidecar', () => {
    const fileName = `${'b'.repeat(252)}.ts`;
    const [own] = deliveryNames({ fileName, transferId, sidecar });
    expect(own).toEqual({ media: `${'b'.repeat(251)}.ts`, sidecar: `${'b'.repeat(251)}.xml` });
    expect(deliveryNames({ fileName, transferId })[0].media).toBe(fileName);
  });

  it('treats an extension too long to keep as part of the base', () => {
    const fileName = `x.${'e'.repeat(253)}`;
    const names = deliveryNames({ fileName, transferId, sidecar });
    expect(names[0].media).toBe(`x.${'e'.repeat(249)}`);
    expect(lengths(names).every((n) => n <= 255)).toBe(true);
    expect(names[1].media.endsWith('.0f1e2d3c')).toBe(true);
  });
});
