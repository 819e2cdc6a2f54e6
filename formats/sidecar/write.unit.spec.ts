import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { ValidationError } from '../../lib/errors';
import { parseSidecar } from './parse';
import type { Sidecar } from './sidecar';
import { writeSidecar } from './write';

const full: Sidecar = {
  title: 'Evening news: opener & "headlines" <live>',
  materialId: 'MAT-2026-00042',
  programmeId: 'PRG/778:3',
  category: 'news',
  description: 'First line.\r\nSecond line, with a tab\tand ]]> inside.',
  destinations: ['broadcast', 'archive'],
  priority: 10,
  checksum: 'f'.repeat(64),
  duration: { kind: 'timecode', hours: 1, minutes: 2, seconds: 3, frames: 4, dropFrame: false },
  rights: 'Internal use only',
  extra: [
    { key: 'camera', value: 'A & B' },
    { key: '_private', value: '<x/>' },
  ],
};

describe('writeSidecar', () => {
  it('writes what parseSidecar reads back unchanged', () => {
    expect(parseSidecar(writeSidecar(full))).toEqual(full);
    const minimal: Sidecar = {
      title: 'Clip',
      programmeId: 'P1',
      destinations: [],
      extra: [],
      duration: { kind: 'seconds', seconds: 12.04 },
    };
    expect(parseSidecar(writeSidecar(minimal))).toEqual(minimal);
  });

  it('declares the namespace and version and escapes markup', () => {
    const xml = writeSidecar(full);
    expect(
      xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<sidecar xmlns="urn:mxhub:sidecar:1" version="2">'),
    ).toBe(true);
    expect(xml).toContain('<title>Evening news: opener &amp; &quot;headlines&quot; &lt;live&gt;</title>');
    expect(xml).toContain('<item key="_private">&lt;x/&gt;</item>');
  });

  it.each([
    ['an empty title', { ...full, title: '' }],
    ['a padded value', { ...full, rights: ' padded ' }],
    ['priority 11', { ...full, priority: 11 }],
    ['no identifiers', { ...full, materialId: undefined, programmeId: undefined }],
    ['a bad destination', { ...full, destinations: ['Broadcast Network'] }],
    [
      'a repeated extra key',
      {
        ...full,
        extra: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      },
    ],
    [
      'a malformed duration',
      {
        ...full,
        duration: { kind: 'timecode' as const, hours: 0, minutes: 75, seconds: 0, frames: 0, dropFrame: false },
      },
    ],
    ['a control character', { ...full, description: 'bell \u0007' }],
  ])('refuses to write a sidecar with %s', (_what, sidecar) => {
    expect(() => writeSidecar(sidecar)).toThrow(ValidationError);
  });
});

describe('formats/sidecar/sidecar.xsd', () => {
  it('declares exactly the elements the parser and writer use', () => {
    const declared = new Set<string>();
    const parser = new SaxesParser();
    parser.on('opentag', (tag) => {
      const name = tag.attributes.name;
      if (tag.name === 'xs:element' && typeof name === 'string') declared.add(name);
    });
    parser.write(readFileSync(path.join(__dirname, 'sidecar.xsd'), 'utf8')).close();
    const used = new Set<string>();
    const collect = new SaxesParser();
    collect.on('opentag', (tag) => used.add(tag.name));
    collect.write(writeSidecar(full)).close();
    expect([...declared].sort()).toEqual([...used].sort());
  });
});
