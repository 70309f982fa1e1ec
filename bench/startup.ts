// `node bench/startup.ts [--runs 5] [--data-dir DIR] [--fresh | --once] [--root DIR]`: how long `node src/main.ts`
// takes from spawn to its "helpdesk API listening" line (the moment it answers), as a person running
// `npm start` sees it. Each run starts the server on the data directory, waits for that line, stops it
// with SIGTERM and waits for it to exit. --fresh empties the directory before every run (a first
// start); without it the first run creates the directory and is not counted (restarts); --once is
// one restart of an existing directory, for timing the whole command from outside. Prints each
// run with the server's own phases (startupMs) and the median.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'data-dir': { type: 'string' },
    fresh: { type: 'boolean', default: false },
    root: { type: 'string' },
    once: { type: 'boolean', default: false },
  },
});
const runs = values.once ? 1 : Number(values.runs);
const root = path.resolve(values.root ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const dataDir = values['data-dir'] ?? (await mkdtemp(path.join(tmpdir(), 'helpdesk-startup-')));

interface Run {
  ms: number;
  phases: Record<string, number> | undefined;
}

function startOnce(): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['src/main.ts'], {
      cwd: root,
      env: { ...process.env, HELPDESK_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let result: Run | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (result || !line.includes('helpdesk API listening')) return;
      result = {
        ms: performance.now() - started,
        phases: (JSON.parse(line) as { startupMs?: Run['phases'] }).startupMs,
      };
      child.kill('SIGTERM');
    });
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`server exited with ${code} before listening`)),
    );
  });
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

if (!values.fresh && !values.once) {
  const first = await startOnce();
  console.log(`first start (not counted): ${Math.round(first.ms)} ms ${JSON.stringify(first.phases)}`);
}
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  if (values.fresh) await rm(dataDir, { recursive: true, force: true });
  const run = await startOnce();
  times.push(run.ms);
  console.log(
    `${values.fresh ? 'first start' : 'restart'} ${i + 1}: ${Math.round(run.ms)} ms ${JSON.stringify(run.phases)}`,
  );
}
console.log(
  `median ${Math.round(median(times))} ms (min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))}) over ${runs} runs`,
);
if (!values['data-dir']) await rm(dataDir, { recursive: true, force: true });
