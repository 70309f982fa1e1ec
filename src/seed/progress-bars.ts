// The seed command's progress display; the only user of cli-progress, so nothing else loads it.
import cliProgress from 'cli-progress';
import type { SeedProgress } from './run.ts';

/** One cli-progress bar per phase, with the phase's rate in rows per second. */
export function progressBars(): SeedProgress {
  let bar: cliProgress.SingleBar | undefined;
  let phaseStarted = 0;
  let done = 0;
  const rate = () => {
    const seconds = (performance.now() - phaseStarted) / 1000;
    return seconds > 0 ? Math.round(done / seconds).toLocaleString('en-US') : '0';
  };
  return {
    start(phase, total) {
      phaseStarted = performance.now();
      done = 0;
      bar = new cliProgress.SingleBar(
        {
          format: `${phase.padEnd(11)} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | {duration_formatted} | ETA {eta_formatted}`,
          hideCursor: true,
          etaBuffer: 20,
          fps: 5,
          // Logs (CI, redirected output) get a line every few seconds instead of nothing.
          noTTYOutput: !process.stderr.isTTY,
          notTTYSchedule: 5000,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { rate: '0' });
    },
    advance(rows) {
      done += rows;
      bar?.increment(rows, { rate: rate() });
    },
    stop() {
      bar?.update({ rate: rate() });
      bar?.stop();
      bar = undefined;
    },
  };
}
