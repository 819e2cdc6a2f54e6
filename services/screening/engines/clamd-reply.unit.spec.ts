import { interpretClamdReply, parseClamdVersion } from './clamd-reply';

describe('interpretClamdReply', () => {
  it('reads clean and infected answers', () => {
    expect(interpretClamdReply('stream: OK')).toEqual({ outcome: 'clean' });
    expect(interpretClamdReply('stream: Win.Test.EICAR_HDB-1 FOUND')).toEqual({
      outcome: 'infected',
      signature: 'Win.Test.EICAR_HDB-1',
      reason: 'ClamAV signature Win.Test.EICAR_HDB-1 matched',
    });
  });

  it.each([
    ['Heuristics.Limits.Exceeded.MaxFileSize', 'scan limits'],
    ['Heuristics.Encrypted.Zip', 'encrypted content'],
    ['Heuristics.Encrypted.PDF', 'encrypted content'],
  ])('reports %s as not cleared rather than as a detection', (signature, why) => {
    expect(interpretClamdReply(`stream: ${signature} FOUND`)).toEqual({
      outcome: 'error',
      signature,
      reason: expect.stringContaining(why),
    });
  });

  it('fails closed on errors and on anything it does not understand', () => {
    expect(interpretClamdReply('INSTREAM size limit exceeded. ERROR')).toEqual({
      outcome: 'error',
      reason: 'clamd refused the scan: INSTREAM size limit exceeded.',
    });
    expect(interpretClamdReply('stream: lstat() failed: No such file or directory. ERROR')).toMatchObject({
      outcome: 'error',
    });
    expect(interpretClamdReply('')).toMatchObject({ outcome: 'error' });
    expect(interpretClamdReply('PONG')).toMatchObject({ outcome: 'error' });
    expect(interpretClamdReply('stream: OK OK')).toMatchObject({ outcome: 'error' });
  });
});

describe('parseClamdVersion', () => {
  it('splits engine and database versions', () => {
    expect(parseClamdVersion('ClamAV 1.4.6/27452/Fri Nov 21 09:31:02 2026')).toEqual({
      engineVersion: 'ClamAV 1.4.6',
      signatureVersion: '27452 (Fri Nov 21 09:31:02 2026)',
    });
  });

  it('says so when only custom databases are loaded', () => {
    expect(parseClamdVersion('ClamAV 1.4.6')).toEqual({
      engineVersion: 'ClamAV 1.4.6',
      signatureVersion: 'custom databases only (no official version)',
    });
  });
});
