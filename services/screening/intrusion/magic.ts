/** What the first bytes of a file say it is, as far as the intrusion filter cares. */
export type SniffedKind =
  | { kind: 'executable'; format: string }
  | { kind: 'script'; format: string }
  | { kind: 'archive'; format: ArchiveFormat }
  | { kind: 'ole2' }
  | { kind: 'other' };

export type ArchiveFormat = 'zip' | 'tar' | 'gzip' | 'bzip2' | 'xz' | '7z' | 'rar' | 'zstd' | 'cab' | 'lzip';

/** Bytes `sniff` needs to see: enough for the tar header's magic at 257. */
export const SNIFF_BYTES = 4096;

const startsWith = (head: Buffer, bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);

const executables: Array<[string, number[]]> = [
  ['ELF', [0x7f, 0x45, 0x4c, 0x46]],
  ['Windows/DOS executable (MZ)', [0x4d, 0x5a]],
  ['Mach-O', [0xfe, 0xed, 0xfa, 0xce]],
  ['Mach-O', [0xfe, 0xed, 0xfa, 0xcf]],
  ['Mach-O', [0xce, 0xfa, 0xed, 0xfe]],
  ['Mach-O', [0xcf, 0xfa, 0xed, 0xfe]],
  // Universal Mach-O and Java class files share this magic; both are code.
  ['Mach-O universal or Java class', [0xca, 0xfe, 0xba, 0xbe]],
  ['WebAssembly', [0x00, 0x61, 0x73, 0x6d]],
  ['Android DEX', [0x64, 0x65, 0x78, 0x0a]],
];

const archives: Array<[ArchiveFormat, number[], number?]> = [
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]],
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['rar', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['cab', [0x4d, 0x53, 0x43, 0x46]],
  ['lzip', [0x4c, 0x5a, 0x49, 0x50]],
  ['tar', [0x75, 0x73, 0x74, 0x61, 0x72], 257],
];

// Text that only scripts contain. Checked only on text-like heads, so binary
// media cannot trip them by chance.
const scriptPatterns: Array<[string, RegExp]> = [
  ['batch', /^\s*@?echo\s+off\b/im],
  ['Windows Script Host', /\bWScript\.|\bCreateObject\s*\(|\bGetObject\s*\(/i],
  [
    'PowerShell',
    /\b(Invoke-Expression|Invoke-WebRequest|IEX\s*\(|-EncodedCommand|New-Object\s+(System\.)?Net\.WebClient|Set-ExecutionPolicy)\b/i,
  ],
  ['HTML application', /<hta:application\b/i],
  ['HTML with script', /<script\b/i],
  ['PHP', /<\?php\b/i],
  ['Windows registry', /^Windows Registry Editor Version/m],
];

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  let printable = 0;
  for (const byte of head) if (byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) printable += 1;
  return printable / head.length > 0.95;
}

/** Classifies a file by its first bytes (pass at least `SNIFF_BYTES` when available). */
export function sniff(head: Buffer): SniffedKind {
  for (const [format, magic] of executables) if (startsWith(head, magic)) return { kind: 'executable', format };
  for (const [format, magic, at] of archives) if (startsWith(head, magic, at)) return { kind: 'archive', format };
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { kind: 'ole2' };
  const bom = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  if (startsWith(head, [0x23, 0x21], bom)) return { kind: 'script', format: 'shebang (#!) script' };
  if (looksLikeText(head)) {
    const text = head.toString('utf8');
    for (const [format, pattern] of scriptPatterns) if (pattern.test(text)) return { kind: 'script', format };
  }
  return { kind: 'other' };
}
