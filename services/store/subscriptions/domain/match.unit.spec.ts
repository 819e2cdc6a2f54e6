import { ValidationError } from '../../../../lib/errors';
import { matches, type AssetFacts } from './match';
import { checkRule, type SubscriptionRule } from './rule';

const NETWORKS = ['broadcast', 'news', 'archive'];

const wav: AssetFacts = {
  sourceNetwork: 'news',
  targets: [],
  originalName: 'Interview Mayor.WAV',
  extension: 'wav',
  sidecar: { title: 'Mayor interview', category: 'politics', extra: [{ key: 'desk', value: 'city' }] },
  durationSeconds: 95,
};
const mp4: AssetFacts = { ...wav, originalName: 'clip.mp4', extension: 'mp4' };
const rule = (r: Partial<SubscriptionRule> = {}): SubscriptionRule => ({ network: 'broadcast', ...r });

describe('matching a cleared asset against a subscription rule', () => {
  test('a rule with no conditions takes any asset of another network', () => {
    expect(matches(rule(), wav)).toBe(true);
  });

  test('never an asset of the subscribed network itself', () => {
    expect(matches(rule({ network: 'news' }), wav)).toBe(false);
  });

  test('from: only assets of those networks', () => {
    expect(matches(rule({ from: ['news'] }), wav)).toBe(true);
    expect(matches(rule({ from: ['archive'] }), wav)).toBe(false);
  });

  test('types: by extension; nameGlob: the whole name, case-insensitive', () => {
    expect(matches(rule({ match: { types: ['wav', 'mxf'] } }), wav)).toBe(true);
    expect(matches(rule({ match: { types: ['wav'] } }), mp4)).toBe(false);
    expect(matches(rule({ match: { nameGlob: '*.wav' } }), wav)).toBe(true);
    expect(matches(rule({ match: { nameGlob: '*.wav' } }), mp4)).toBe(false);
    expect(matches(rule({ match: { nameGlob: 'interview*' } }), wav)).toBe(true);
    expect(matches(rule({ match: { nameGlob: '*.{mp4,mov}' } }), mp4)).toBe(true);
  });

  test('sidecar: a field equal to a value or matching a glob; extra.<key> reads the free items', () => {
    expect(matches(rule({ match: { sidecar: { category: 'politics' } } }), wav)).toBe(true);
    expect(matches(rule({ match: { sidecar: { title: '*interview' } } }), wav)).toBe(true);
    expect(matches(rule({ match: { sidecar: { category: 'sport' } } }), wav)).toBe(false);
    expect(matches(rule({ match: { sidecar: { 'extra.desk': 'city' } } }), wav)).toBe(true);
    expect(matches(rule({ match: { sidecar: { 'extra.desk': 'foreign' } } }), wav)).toBe(false);
  });

  test('a condition on what the asset lacks does not hold (no sidecar, no duration)', () => {
    const bare: AssetFacts = { sourceNetwork: 'news', targets: [], originalName: 'a.wav', extension: 'wav' };
    expect(matches(rule({ match: { sidecar: { category: '*' } } }), bare)).toBe(false);
    expect(matches(rule({ match: { minDurationSeconds: 0 } }), bare)).toBe(false);
  });

  test('durations: inclusive bounds', () => {
    expect(matches(rule({ match: { minDurationSeconds: 95, maxDurationSeconds: 95 } }), wav)).toBe(true);
    expect(matches(rule({ match: { minDurationSeconds: 96 } }), wav)).toBe(false);
    expect(matches(rule({ match: { maxDurationSeconds: 60 } }), wav)).toBe(false);
  });

  test('every condition must hold', () => {
    expect(matches(rule({ from: ['news'], match: { types: ['wav'], sidecar: { category: 'sport' } } }), wav)).toBe(
      false,
    );
  });
});

describe('checking a rule', () => {
  const fieldOf = (r: SubscriptionRule) => {
    try {
      checkRule(r, NETWORKS);
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return (err as ValidationError).details?.field;
    }
    return undefined;
  };

  test('a sound rule passes', () => {
    expect(fieldOf(rule({ from: ['news'], match: { nameGlob: '*.wav', sidecar: { title: 'a*' } } }))).toBeUndefined();
  });

  test('each fault names its field', () => {
    expect(fieldOf(rule({ network: 'mars' }))).toBe('network');
    expect(fieldOf(rule({ from: ['news', 'mars'] }))).toBe('from[1]');
    expect(fieldOf(rule({ match: { nameGlob: '[abc' } }))).toBe('match.nameGlob');
    expect(fieldOf(rule({ match: { nameGlob: '*.{wav' } }))).toBe('match.nameGlob');
    expect(fieldOf(rule({ match: { sidecar: { colour: 'red' } } }))).toBe('match.sidecar.colour');
    expect(fieldOf(rule({ match: { sidecar: { title: '(a' } } }))).toBe('match.sidecar.title');
    expect(fieldOf(rule({ match: { minDurationSeconds: 10, maxDurationSeconds: 5 } }))).toBe(
      'match.maxDurationSeconds',
    );
  });

  test('the message says what is wrong', () => {
    expect(() => checkRule(rule({ match: { nameGlob: '[abc' } }), NETWORKS)).toThrow(
      /match.nameGlob: not a valid glob \(Missing closing: "\]"/,
    );
    expect(() => checkRule(rule({ network: 'mars' }), NETWORKS)).toThrow(/known: broadcast, news, archive/);
  });
});
