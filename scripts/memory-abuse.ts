// Measures the server's resident memory under oversized and just-under-the-cap request bodies.
// Starts the server in a child process (so the numbers are the server's alone), sends each kind of
// abuse 10 times in parallel, and prints the RSS before, the peak during (VmHWM, reset before each
// round) and the RSS after. Linux only (/proc).
//
//   npx tsx scripts/memory-abuse.ts                                  # the configured caps
//   HELPDESK_MAX_JSON_SIZE=52428800 npx tsx scripts/memory-abuse.ts  # one 50 MiB cap, as before
//
// Environment variables are passed on to the server (DATABASE_URL, HELPDESK_MAX_FILE_SIZE...).
//
// Measured on PGlite, 2 cores (peak RSS above the RSS before each round of 10 parallel requests):
//   one 50 MiB cap for all bodies (as before):  10 x 45 MiB JSON to /graphql: 10x 400 after 68 s,
//     +1407 MB (RSS 2.0 GB); chunked: 10x 400 after 59 s, +769 MB (RSS 2.6 GB).
//   HELPDESK_MAX_JSON_SIZE default (14.3 MiB):  10 x 45 MiB JSON: 413 at once, +0 MB; chunked: 413
//     after 3 s, +64 MB; 10 x 14.3 MiB JSON (just under): 200, +160 MB; 10 x 10 MiB base64
//     attachments over REST (13.3 MiB JSON each): 201, +126 MB.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';

const MiB = 1024 * 1024;
const PARALLEL = Number(process.env.PARALLEL ?? 10);
const ADMIN_KEY = 'feedfacefeedfacefeedfacefeedfacefeedface';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function memory(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
}

/** Resets VmHWM to the current RSS, so the next peak belongs to the next round. */
const resetPeak = (pid: number) => writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => {});

function send(
  port: number,
  target: string,
  body: Buffer,
  headers: Record<string, string>,
  chunked: boolean,
): Promise<string> {
  return new Promise((resolve) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: target,
      method: 'POST',
      agent: false,
      headers: { ...headers, ...(chunked ? {} : { 'Content-Length': String(body.length) }) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
      res.on('error', () => resolve(String(res.statusCode)));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    if (!chunked) return req.end(body);
    // 1 MiB at a time, as a streaming client would.
    let offset = 0;
    const pump = () => {
      while (offset < body.length) {
        const chunk = body.subarray(offset, offset + MiB);
        offset += chunk.length;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

async function main() {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'helpdesk-memory-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    HELPDESK_DATA_DIR: dataDir,
    HELPDESK_ADMIN_EMAIL: 'memory@example.com',
    HELPDESK_ADMIN_API_KEY: ADMIN_KEY,
    HELPDESK_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const config = loadConfig(env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/healthz`).catch(() => null))?.ok) break;
      if (i > 600) throw new Error('server did not start');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
    // biome-ignore lint/suspicious/noExplicitAny: the script reads back what its own documents select
    const gql = async (query: string, variables = {}): Promise<any> => {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...auth },
        body: JSON.stringify({ query, variables }),
      });
      return response.json();
    };
    // Warm up: one ticket to attach files to, and every code path once.
    const branch = (await gql('mutation { createBranch(input: {name: "Memory"}) { branch { id } } }')).data.createBranch
      .branch.id;
    const ticket = (
      await gql(
        'mutation($b: ID!) { createTicket(input: {branch: $b, subject: "m", description: "m"}) { ticket { internalId key } } }',
        { b: branch },
      )
    ).data.createTicket.ticket;
    await fetch(`${base}/api/rest/latest/desk/tickets/${ticket.internalId}.json`, { headers: auth });

    const cap = config.maxJsonBytes;
    const oversized = Buffer.alloc(45 * MiB, 'x');
    const padding = cap - 200;
    const underCapGraphql = Buffer.from(
      JSON.stringify({ query: '{ __typename }', variables: { padding: 'p'.repeat(padding) } }),
    );
    const fileBytes = Math.min(config.attachments.maxFileSize, Math.floor(((cap - 1024) * 3) / 4));
    const underCapRest = Buffer.from(
      JSON.stringify({
        attachmentsInput: [{ filename: 'big.bin', content: randomBytes(fileBytes).toString('base64') }],
      }),
    );
    const json = { 'Content-Type': 'application/json', ...auth };
    const rounds: [string, string, Buffer, boolean][] = [
      ['45 MiB JSON to /graphql, Content-Length', '/graphql', oversized, false],
      ['45 MiB JSON to /graphql, chunked', '/graphql', oversized, true],
      [
        '45 MiB JSON to REST, Content-Length',
        `/api/rest/latest/desk/tickets/${ticket.internalId}/attachments.json`,
        oversized,
        false,
      ],
      [
        `${(underCapGraphql.length / MiB).toFixed(1)} MiB JSON (just under the cap) to /graphql`,
        '/graphql',
        underCapGraphql,
        false,
      ],
      [
        `${(underCapRest.length / MiB).toFixed(1)} MiB REST base64 attachment of ${(fileBytes / MiB).toFixed(1)} MiB (under the cap)`,
        `/api/rest/latest/desk/tickets/${ticket.internalId}/attachments.json`,
        underCapRest,
        false,
      ],
    ];

    console.log(
      `JSON cap (HELPDESK_MAX_JSON_SIZE): ${cap} bytes; ${PARALLEL} requests in parallel per round; engine: ${env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`,
    );
    const start = await memory(child.pid!);
    console.log(`RSS after start and warm-up: ${mb(start.rss)}`);
    for (const [label, target, body, chunked] of rounds) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const before = await memory(child.pid!);
      await resetPeak(child.pid!);
      const started = Date.now();
      const statuses = await Promise.all(
        Array.from({ length: PARALLEL }, () => send(port, target, body, json, chunked)),
      );
      const elapsed = Date.now() - started;
      const during = await memory(child.pid!);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const after = await memory(child.pid!);
      const counts = Object.entries(
        statuses.reduce<Record<string, number>>((acc, s) => {
          acc[s] = (acc[s] ?? 0) + 1;
          return acc;
        }, {}),
      )
        .map(([status, n]) => `${n}x ${status}`)
        .join(', ');
      console.log(
        `${label}: ${counts} in ${elapsed} ms; RSS before ${mb(before.rss)}, peak ${mb(during.peak)} (+${mb(during.peak - before.rss)}), 2 s after ${mb(after.rss)}`,
      );
    }
    const health = await fetch(`${base}/healthz`);
    console.log(`/healthz after all rounds: ${health.status}`);
  } finally {
    await stop();
  }
}

await main();
