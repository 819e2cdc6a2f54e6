import { streamOf, type ByteSource } from './byte-source';
import { passed, refused, type CheckResult } from './check';
import { sniff, SNIFF_BYTES } from './magic';
import { readZipDirectory, ZipFormatError } from './zip';

const utf16 = (text: string) => Buffer.from(text, 'utf16le');

// OLE2 directory entry names are UTF-16LE: every VBA project has an
// `_VBA_PROJECT` stream (Excel's storage is `_VBA_PROJECT_CUR`), Word 97
// documents keep theirs in a `Macros` storage.
const OLE2_MACRO_NAMES = [utf16('_VBA_PROJECT'), utf16('Macros')];
// OOXML keeps macros in vbaProject.bin (vbaData.xml for Word's settings);
// OpenDocument keeps Basic and script macros in these folders.
const PACKAGE_MACRO_PARTS = [/(^|\/)vbaProject\.bin$/i, /(^|\/)vbaData\.xml$/i, /^Basic\//, /^Scripts\//];
// Actions that run code when a PDF is opened (a JavaScript action always
// carries `/S /JavaScript`). Long names only, so compressed image data cannot
// match by chance; hex-escaped names (/J#61vaScript) are left to ClamAV's
// PDF parser.
const PDF_ACTIONS = ['/JavaScript', '/Launch'].map((n) => Buffer.from(n));

/** Streams the whole source looking for any needle, carrying a tail across chunk edges. */
async function findAny(source: ByteSource, needles: Buffer[]): Promise<boolean> {
  const keep = Math.max(...needles.map((n) => n.length)) - 1;
  let tail = Buffer.alloc(0);
  for await (const chunk of streamOf(source)) {
    const window = Buffer.concat([tail, chunk]);
    if (needles.some((needle) => window.includes(needle))) return true;
    tail = window.subarray(Math.max(0, window.length - keep));
  }
  return false;
}

async function packageHasMacros(source: ByteSource): Promise<boolean> {
  try {
    const { entries } = await readZipDirectory(source, { maxEntries: 100_000, maxDirectoryBytes: 64 * 2 ** 20 });
    return entries.some((entry) => PACKAGE_MACRO_PARTS.some((part) => part.test(entry.name)));
  } catch (error) {
    // A zip that cannot be read is refused by the archive inspection.
    if (error instanceof ZipFormatError) return false;
    throw error;
  }
}

/**
 * Recognises executables, scripts and macro documents by content, whatever
 * the file is called: magic numbers (ELF, MZ/PE, Mach-O...), `#!` and
 * script-only text, OLE2 files with a VBA project, OOXML/OpenDocument
 * packages with macro parts, PDFs with actions that run code.
 */
export async function checkContent(source: ByteSource): Promise<CheckResult> {
  const head = await source.read(0, SNIFF_BYTES);
  const kind = sniff(head);
  if (kind.kind === 'executable') {
    return refused('content.executable', `the content is an executable (${kind.format}), whatever its name says`);
  }
  if (kind.kind === 'script')
    return refused('content.script', `the content is a script (${kind.format}), whatever its name says`);
  if (kind.kind === 'ole2' && (await findAny(source, OLE2_MACRO_NAMES))) {
    return refused('content.macro-document', 'the content is an Office (OLE2) document with a VBA macro project');
  }
  if (kind.kind === 'archive' && kind.format === 'zip' && (await packageHasMacros(source))) {
    return refused('content.macro-document', 'the content is an Office or OpenDocument package with macros');
  }
  if (head.subarray(0, 1024).includes('%PDF-') && (await findAny(source, PDF_ACTIONS))) {
    return refused('content.script', 'the content is a PDF with JavaScript or a launch action');
  }
  return passed;
}
