import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr when it is a terminal (and `enabled`); silent otherwise, so pipes and logs stay clean. */
export function progressBar(label: string, enabled = true) {
  if (!enabled || !process.stderr.isTTY) return { update: (_done: number, _total: number) => {}, stop: () => {} };
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% {value}/{total} events`, stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(Math.max(total, done));
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}
