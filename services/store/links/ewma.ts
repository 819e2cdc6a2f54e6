/**
 * Weight of the newest sample in a link's measured throughput. Links change
 * when an operator throttles one or a line degrades, and the choice of a
 * fetch's source should see it within two or three copies (an eighth of the
 * old figure is left after three); one odd copy moves the figure halfway,
 * and the next ones bring it back.
 */
export const EWMA_ALPHA = 0.5;

/** The next average of a link after one sample; the first sample is the average. */
export const nextEwma = (previous: number | undefined, sample: number, alpha = EWMA_ALPHA): number =>
  previous === undefined ? sample : alpha * sample + (1 - alpha) * previous;

/**
 * Bytes per second of one copy, or undefined when it says nothing: no bytes
 * copied (a resumed transfer that had all of them) or no measurable time (a
 * copy shorter than the events' millisecond clock).
 */
export function copyRate(bytes: number, ms: number): number | undefined {
  if (bytes <= 0 || ms <= 0) return undefined;
  return (bytes * 1000) / ms;
}
