import { bufferSource } from './byte-source';
import { checkContent } from './content';
import { elfExecutable, jpeg, machOExecutable, mp4Head, ole2Document, peExecutable, png, zip } from '../testing/corpus';

const ruleOf = async (content: Buffer) => {
  const result = await checkContent(bufferSource(content));
  return result.ok ? 'ok' : result.rule;
};

describe('checkContent', () => {
  it.each([
    ['ELF', elfExecutable()],
    ['PE', peExecutable()],
    ['Mach-O', machOExecutable()],
    ['Java class / universal Mach-O', Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x34])],
    ['WebAssembly', Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0])],
  ])('recognises a %s executable whatever its name', async (_what, content) => {
    expect(await ruleOf(content)).toBe('content.executable');
  });

  it.each([
    ['shebang', '#!/bin/sh\nrm -rf /\n'],
    ['shebang after a BOM', '\uFEFF#!/usr/bin/env python3\nprint(1)\n'],
    ['batch', '@echo off\r\ndel C:\\*.*\r\n'],
    ['PowerShell', '$x = 1\nInvoke-Expression $payload\n'],
    ['VBScript', 'Set o = CreateObject("WScript.Shell")\n'],
    ['HTML application', '<html><hta:application id="x"/></html>'],
    ['HTML with script', '<html><body><script>alert(1)</script></body></html>'],
    ['PHP', '<?php system($_GET["c"]); ?>'],
  ])('recognises a %s script', async (_what, text) => {
    expect(await ruleOf(Buffer.from(text, 'utf8'))).toBe('content.script');
  });

  it('recognises macro documents: OLE2 with a VBA project, OOXML and ODF packages with macro parts', async () => {
    expect(await ruleOf(ole2Document(true))).toBe('content.macro-document');
    expect(
      await ruleOf(
        zip([
          { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
          { name: 'word/vbaProject.bin', data: Buffer.alloc(64) },
        ]),
      ),
    ).toBe('content.macro-document');
    expect(
      await ruleOf(
        zip([
          { name: 'content.xml', data: Buffer.from('<x/>') },
          { name: 'Basic/Standard/Module1.xml', data: Buffer.from('<m/>') },
        ]),
      ),
    ).toBe('content.macro-document');
  });

  it('finds a VBA project name wherever it sits in a large OLE2 file', async () => {
    const big = Buffer.concat([
      ole2Document(false),
      Buffer.alloc((1 << 20) - 5),
      Buffer.from('_VBA_PROJECT', 'utf16le'),
    ]);
    expect(await ruleOf(big)).toBe('content.macro-document');
  });

  it('recognises a PDF whose actions run code', async () => {
    expect(
      await ruleOf(Buffer.from('%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>')),
    ).toBe('content.script');
    expect(await ruleOf(Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj'))).toBe('ok');
  });

  it.each([
    ['PNG', png()],
    ['JPEG', jpeg()],
    ['MP4', mp4Head()],
    ['OLE2 without macros', ole2Document(false)],
    ['OOXML without macros', zip([{ name: 'word/document.xml', data: Buffer.from('<w:document/>') }])],
    ['plain text', Buffer.from("Running order for the 6 o'clock news\n")],
    ['XML sidecar', Buffer.from('<?xml version="1.0"?><sidecar><title>x</title></sidecar>')],
  ])('lets %s through', async (_what, content) => {
    expect(await ruleOf(content)).toBe('ok');
  });

  it('never quotes the content in its reason', async () => {
    const result = await checkContent(bufferSource(Buffer.from('#!/bin/sh\necho SECRET-PAYLOAD\n')));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });
});
