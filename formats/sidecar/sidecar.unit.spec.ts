import { durationInSeconds, formatDuration, parseDuration } from './sidecar';

describe('sidecar durations', () => {
  it('parses seconds and timecode and formats them back', () => {
    for (const text of ['90', '90.5', '0.04', '00:01:30:12', '10:00:00;02'])
      expect(formatDuration(parseDuration(text))).toBe(text);
  });

  it('converts non-drop timecode with the frame rate', () => {
    expect(durationInSeconds(parseDuration('00:01:30:12'), 25)).toBeCloseTo(90.48, 6);
    expect(durationInSeconds(parseDuration('90.5'))).toBe(90.5);
  });

  it('corrects drop-frame timecode to real time', () => {
    // Drop-frame labels follow the clock to within a millisecond over ten
    // minutes (17 982 frames), where non-drop labels would be 0.6 s off.
    expect(durationInSeconds(parseDuration('00:10:00;00'), 30000 / 1001)).toBeCloseTo(600, 2);
    expect(durationInSeconds(parseDuration('00:10:00:00'), 30000 / 1001)).toBeCloseTo(600.6, 6);
    expect(durationInSeconds(parseDuration('01:00:00;00'), 30000 / 1001)).toBeCloseTo(3600, 2);
    expect(durationInSeconds(parseDuration('00:01:00;02'), 30000 / 1001)).toBeCloseTo(1800 / (30000 / 1001), 6);
    expect(durationInSeconds(parseDuration('00:10:00;00'), 60000 / 1001)).toBeCloseTo(600, 2);
  });

  it('needs a frame rate for timecode', () => {
    expect(() => durationInSeconds(parseDuration('00:00:01:00'))).toThrow(/frame rate/);
  });
});
