// The processes a benchmark starts: the server and the baseline, with the benchmark's data directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
export const dataDir = path.resolve(process.env.HELPDESK_DATA_DIR ?? path.join(root, 'bench', '.data'));
export const benchEnv = { ...process.env, HELPDESK_DATA_DIR: dataDir, NODE_ENV: 'production' };

/**
 * Runs a TypeScript entry point with this Node (the project's own, under `npm run`). `cwd` runs it
 * from another checkout (a variant `ROOT=<dir>`: the code before a change, measured in the same run).
 */
export function runTs(
  script: string,
  extra: Record<string, string> = {},
  cwd = root,
  args: string[] = [],
): ChildProcess {
  return spawn(process.execPath, [script, ...args], {
    cwd,
    env: { ...benchEnv, ...extra },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export async function waitFor(url: string, seconds = 120) {
  for (let i = 0; i < seconds * 4; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

export async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * A port nobody listens on now: two benchmarks on one machine (two checkouts) must not measure
 * each other's server, which a fixed port made them do when the second server could not bind.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
