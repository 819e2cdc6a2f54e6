import { checkName } from './names';

const ruleOf = (name: string, rules = {}) => {
  const result = checkName(name, rules);
  return result.ok ? 'ok' : result.rule;
};

describe('checkName', () => {
  it.each([
    ['clip.mxf'],
    ['Programme 12 - final cut.mov'],
    ['archive.tar.gz'],
    ['clip.v2.mxf'],
    ['Contract.pdf'],
    ['Ñandú – école.wav'],
  ])('accepts an ordinary name: %s', (name) => {
    expect(ruleOf(name)).toBe('ok');
  });

  it.each([
    ['right-to-left override', 'clip\u202Evom.exe', 'name.bidi-override'],
    ['isolate', 'clip\u2067.mxf', 'name.bidi-override'],
    ['newline', 'clip\n.mxf', 'name.control-char'],
    ['NUL', 'clip\u0000.mxf', 'name.control-char'],
    ['C1 control', 'clip\u0085.mxf', 'name.control-char'],
    ['slash', '../etc/passwd', 'name.path-separator'],
    ['backslash', 'dir\\clip.mxf', 'name.path-separator'],
    ['dot-dot', '..', 'name.path-separator'],
    ['device name', 'CON', 'name.reserved-device'],
    ['device name with extension', 'nul.mxf', 'name.reserved-device'],
    ['device name with trailing dot', 'COM1.', 'name.reserved-device'],
    ['superscript port', 'LPT\u00B9.txt', 'name.reserved-device'],
    ['executable last', 'clip.mxf.exe', 'name.double-extension'],
    ['executable padded with spaces', 'invoice.pdf     .exe', 'name.double-extension'],
    ['executable first', 'setup.exe.mxf', 'name.double-extension'],
    ['script last', 'news.mp4.js', 'name.double-extension'],
  ])('refuses a name with a %s', (_what, name, rule) => {
    expect(ruleOf(name)).toBe(rule);
  });

  it('measures length in UTF-8 bytes, not characters', () => {
    expect(ruleOf(`${'a'.repeat(251)}.mxf`)).toBe('ok');
    expect(ruleOf(`${'a'.repeat(252)}.mxf`)).toBe('name.too-long');
    expect(ruleOf(`${'é'.repeat(126)}.mxf`)).toBe('name.too-long');
    expect(ruleOf('a'.repeat(300), { maxBytes: 400 })).toBe('ok');
  });

  it('locates a hidden character without echoing the name', () => {
    const result = checkName('clip\u202Evom.exe');
    expect(result).toEqual({
      ok: false,
      rule: 'name.bidi-override',
      reason: expect.stringContaining('U+202E at position 5'),
    });
    expect(result.ok || result.reason.includes('vom')).toBe(false);
  });

  it('takes a configured list of dangerous extensions', () => {
    expect(ruleOf('clip.mxf.exe', { dangerousExtensions: ['scr'] })).toBe('ok');
    expect(ruleOf('clip.mxf.scr', { dangerousExtensions: ['scr'] })).toBe('name.double-extension');
  });
});
