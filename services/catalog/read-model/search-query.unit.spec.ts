import { ValidationError } from '../../../lib/errors';
import { mediaTypeOf, paired, programmeOf, searchText } from './entry';
import { buildSearch, likePattern, searchTerms } from './search-query';

describe('catalog search: query building', () => {
  test('LIKE metacharacters and the escape character match themselves', () => {
    expect(likePattern('100%')).toBe('%100\\%%');
    expect(likePattern('a_b')).toBe('%a\\_b%');
    expect(likePattern('c:\\x')).toBe('%c:\\\\x%');
    expect(likePattern("it's")).toBe("%it's%");
  });

  test('terms: normalised like the indexed text (NFKC, lower case), split on any white space, once each', () => {
    expect(searchTerms('  民生新闻\u3000ＮＥＷＳ news ')).toEqual(['民生新闻', 'news']);
    expect(searchTerms(undefined)).toEqual([]);
    expect(() => searchTerms('a b c d e f g h i')).toThrow(ValidationError);
  });

  test('values travel as parameters only; the scope and each term are conditions of their own', () => {
    const { where, params, orderBy } = buildSearch({ q: "x' or 1=1 --", network: 'news', sort: 'oldest' }, ['news']);
    expect(where.join(' ')).not.toContain('1=1');
    expect(where[0]).toBe('c.networks && $1::text[]');
    expect(params.values).toEqual([['news'], "%xx''%", "%x'%", '%oorr%', '%or%', '%1=1%', '%----%', '%--%', 'news']);
    expect(orderBy).toBe('c.created_at asc, c.asset_id asc');
  });

  test('a two-character term is also looked for, doubled, in the paired text, where it has trigrams', () => {
    expect(paired('民生 新闻')).toBe('民民生生 新新闻闻');
    expect(buildSearch({ q: '新闻' }, undefined).where).toEqual([
      "c.search_pairs like $1 escape '\\'",
      "c.search_text like $2 escape '\\'",
    ]);
  });

  test('a bad date is a 400 naming the parameter', () => {
    expect(() => buildSearch({ from: '12/01/2026' }, undefined)).toThrow(/from: must be an ISO-8601/);
  });
});

describe('catalog entry: what a row is derived from', () => {
  test('media type from the technical metadata', () => {
    expect(mediaTypeOf({ container: 'mxf', videoCodec: 'mpeg2', audioCodec: 'pcm' })).toBe('video');
    expect(mediaTypeOf({ container: 'wav', audioCodec: 'pcm' })).toBe('audio');
    expect(mediaTypeOf({ container: 'png', videoCodec: 'png' })).toBe('image');
    expect(mediaTypeOf(null)).toBe('other');
  });

  test('programme: the extra item, else the programme id', () => {
    expect(programmeOf({ programmeId: 'PRG-1', extra: [{ key: 'Programme', value: '民生新闻' }] })).toBe('民生新闻');
    expect(programmeOf({ programmeId: 'PRG-1' })).toBe('PRG-1');
    expect(programmeOf({})).toBeNull();
  });

  test('search text holds every field, lower case', () => {
    const text = searchText({
      originalName: 'Clip.MXF',
      sourceNetwork: 'news',
      metadata: { title: '民生新闻', extra: [{ key: 'reporter', value: '王骏' }] },
      technical: { container: 'mxf', videoCodec: 'mpeg2', width: 1920, height: 1080 },
    });
    expect(text.split('\n')).toEqual([
      'clip.mxf',
      'news',
      '民生新闻',
      'reporter 王骏',
      'video',
      'mxf',
      'mpeg2',
      '1920x1080',
    ]);
  });
});
