// Real processes, as an operator runs them: `node src/main.ts`, `node scripts/*.ts`, with their own
// environment, read line by line. Beside helpers.ts, which runs the server inside the test process.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The environment of a process under test: ours without database or admin settings, plus `env`. */
export function processEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['DATABASE_URL', 'HELPDESK_ADMIN_EMAIL', 'HELPDESK_ADMIN_API_KEY', 'HELPDESK_SECRET_KEY'])
    delete base[name];
  return { ...base, LOG_LEVEL: 'info', ...env };
}

export interface Spawned {
  child: ChildProcess;
  /** Every line written so far, stdout and stderr together. */
  lines: string[];
  /** Resolves with the first line matching, rejects when the process exits first or after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  exited: Promise<number | null>;
}

export function run(script: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: projectRoot,
    env: processEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    lines,
    exited,
    waitFor(pattern, ms = 90_000) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${ms} ms:\n${lines.join('\n')}`)),
          ms,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`exited with ${code} before a line matching ${pattern}:\n${lines.join('\n')}`));
        });
      });
    },
  };
}

/** `node src/main.ts` on a loopback port chosen by the system; resolves once it listens. */
export async function startServer(env: Record<string, string>) {
  const server = run('src/main.ts', [], { PORT: '0', HOST: '127.0.0.1', ...env });
  // A server that never says it listens is stopped, not left running after the test (and its workers with it).
  const line = await server.waitFor(/helpdesk API listening/).catch(async (error: unknown) => {
    await stop(server);
    throw error;
  });
  const { port } = JSON.parse(line) as { port: number };
  return { ...server, base: `http://127.0.0.1:${port}` };
}

/** Stops a process (SIGTERM unless told) and waits for its exit code. */
export async function stop(spawned: Spawned, signal: NodeJS.Signals = 'SIGTERM') {
  if (spawned.child.exitCode === null && spawned.child.signalCode === null) spawned.child.kill(signal);
  return spawned.exited;
}

/** A GraphQL request with a Bearer key, as curl would send it. */
export async function graphqlAs(base: string, key: string | null, query: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}
