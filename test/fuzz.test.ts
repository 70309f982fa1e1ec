// Fuzz: thousands of malformed GraphQL, REST, download and HTTP-level requests against a real
// server on a socket (issue 11). Every answer must be a non-5xx without a stack trace, a source
// path or SQL, and the server must still answer afterwards.
//
//   npx vitest run test/fuzz.test.ts                       fixed seed 42, then a random seed
//   FUZZ_SEED=123 npx vitest run test/fuzz.test.ts         replay a random run (seed from its failure)
//   FUZZ_SEED=123 FUZZ_PATH="17:0:3" ...                   replay just its shrunk counterexample
//   FUZZ_REPORT=1 npx vitest run test/fuzz.test.ts         do not stop at the first failure: list
//                                                          every failure class with its smallest example
//   FUZZ_RUNS=1100 (requests per seed), FUZZ_TIMEOUT_MS=10000 (per request)
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { authArbitrary, type Callers, resolveAuth } from './fuzz/auth.ts';
import { graphqlRequests } from './fuzz/graphql.ts';
import { describeRequest, FailureLog, judge, requestText } from './fuzz/oracle.ts';
import { encodeRequest, type FuzzRequest, isIncomplete, sendRaw } from './fuzz/raw-http.ts';
import { restRequests, type Victims } from './fuzz/rest.ts';
import type { Seeds } from './fuzz/values.ts';
import { startServer, type TestServer } from './helpers.ts';

const ADMIN_EMAIL = 'root@example.com';
const ADMIN_KEY = 'fedcba9876543210fedcba9876543210fedcba98';
const FIXED_SEED = 42;
const RUNS = Number(process.env.FUZZ_RUNS ?? 1100);
const TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 10_000);
const REPORT = ['1', 'true', 'yes'].includes(process.env.FUZZ_REPORT ?? '');
const REPLAY_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const REPLAY_PATH = process.env.FUZZ_PATH || undefined;
const RANDOM_SEED = REPLAY_SEED ?? Math.floor(Math.random() * 2 ** 31);
/** After a first failure, fast-check shrinks it; these bound how many more requests that may send. */
const SHRINK_REQUESTS = Number(process.env.FUZZ_SHRINK_REQUESTS ?? 300);

// One scenario in steps, kept in this order when CI shuffles: two fuzz runs, then what they add up
// to, then whether the server survived them.
describe('fuzz: malformed requests never get a 5xx, a stack trace or SQL', { shuffle: false }, () => {
  let server: TestServer;
  let app: TestServer['app'];
  let seeds: Seeds;
  let victims: Victims;
  let callers: Callers;
  let arbitrary: fc.Arbitrary<FuzzRequest>;
  const logged: string[] = [];
  const failures = new FailureLog();
  let sent = 0;
  const slowest: { ms: number; what: string }[] = [];
  let previous = '';
  /** Answers by status and endpoint group: shows whether requests reach past the front door. */
  const statuses = new Map<string, number>();
  let rssBefore = 0;

  const gql = async (query: string, variables: Record<string, unknown> = {}, key = ADMIN_KEY) => {
    const response = await fetch(`http://127.0.0.1:${app.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await response.json()) as { data?: any; errors?: unknown[] };
    if (json.errors) throw new Error(`seeding failed: ${JSON.stringify(json.errors)}`);
    return json.data;
  };

  beforeAll(async () => {
    // Errors the server logs say what really went wrong behind a 5xx: they name failure classes.
    const logger = pino({ level: 'error', base: undefined }, { write: (line: string) => void logged.push(line) });
    server = await startServer({
      admin: { email: ADMIN_EMAIL, key: ADMIN_KEY },
      env: {
        // Thousands of requests a minute from one address and two keys: limits would answer 429
        // to most of them and hide what is behind.
        HELPDESK_RATE_LIMIT: '0',
        // Likewise the limit on failed authentications per address (issue 11): hundreds of bad
        // credentials from 127.0.0.1 would otherwise turn every later credentialed request into 429.
        HELPDESK_AUTH_FAILURES_PER_MINUTE: '0',
      },
      logger,
    });
    app = server.app;

    const viewer = (await gql('{ viewer { id ... on Agent { internalId } } }')).viewer;
    const branch = async (name: string, key: string) =>
      (
        await gql(
          'mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { id internalId key } } }',
          { input: { name, key } },
        )
      ).createBranch.branch;
    const customer = async (email: string) =>
      (
        await gql(
          'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id internalId } } }',
          { input: { email, firstName: 'Fuzz', lastName: 'Customer' } },
        )
      ).createCustomer.customer;
    const ticket = async (branchId: string, reporter: string) =>
      (
        await gql(
          'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id internalId key } } }',
          {
            input: {
              branch: branchId,
              reporter,
              subject: 'Printer on fire',
              description: 'It is <b>really</b> on fire.',
            },
          },
        )
      ).createTicket.ticket;
    const comment = async (ticketId: string) =>
      (
        await gql(
          'mutation($id: ID!) { addComment(input: { ticket: { id: $id }, content: "Have you tried water?" }) { comment { id internalId } } }',
          { id: ticketId },
        )
      ).addComment.comment;

    const mainBranch = await branch('Fuzz', 'FUZZ');
    const actor = await customer('fuzz.customer@example.com');
    const { secret } = (
      await gql('mutation($owner: ID!) { createApiKey(input: { owner: $owner }) { secret } }', { owner: actor.id })
    ).createApiKey;
    const mainTicket = await ticket(mainBranch.id, actor.id);
    const mainComment = await comment(mainTicket.id);
    const [attachment] = (
      await gql(
        'mutation($id: ID!, $files: [Base64FileInput!]) { addAttachments(input: { ticket: { id: $id }, base64: $files }) { attachments { id internalId sha256 } } }',
        {
          id: mainTicket.id,
          files: [{ filename: 'notes.txt', content: Buffer.from('fuzz me').toString('base64') }],
        },
      )
    ).addAttachments.attachments;
    const victimBranch = await branch('Victim', 'VICTIM');
    const victimCustomer = await customer('victim@example.com');
    const victimTicket = await ticket(victimBranch.id, victimCustomer.id);
    const victimComment = await comment(victimTicket.id);

    seeds = {
      adminEmail: ADMIN_EMAIL,
      customerEmail: 'fuzz.customer@example.com',
      branch: { id: mainBranch.internalId, key: mainBranch.key, gid: mainBranch.id },
      ticket: { id: mainTicket.internalId, key: mainTicket.key, gid: mainTicket.id },
      comment: { id: mainComment.internalId, gid: mainComment.id },
      customer: { id: actor.internalId, gid: actor.id },
      agent: { id: viewer.internalId, gid: viewer.id },
      attachment: { id: attachment.internalId, gid: attachment.id, sha: attachment.sha256 },
    };
    victims = {
      branchId: victimBranch.internalId,
      ticketId: victimTicket.internalId,
      commentId: victimComment.internalId,
      customerId: victimCustomer.internalId,
      customerEmail: 'victim@example.com',
    };
    callers = {
      admin: { email: ADMIN_EMAIL, key: ADMIN_KEY },
      customer: {
        key: secret,
        // updateCustomer may rename the caller's email mid-run; Basic and WSSE need the current one.
        email: async () =>
          (await app.db.prisma.customer.findUnique({ where: { id: actor.internalId }, select: { email: true } }))
            ?.email ?? '',
      },
    };
    const auth = authArbitrary();
    arbitrary = fc.oneof(
      { weight: 1, arbitrary: graphqlRequests(schema, seeds, auth) },
      { weight: 1, arbitrary: restRequests(seeds, victims, auth) },
    );
    rssBefore = process.memoryUsage().rss;
  });

  afterAll(async () => {
    await server?.close();
  });

  /** Sends one request and judges the answer; returns the failures (also kept in `failures`). */
  async function exchange(request: FuzzRequest, runLog: FailureLog) {
    const authHeaders = await resolveAuth(request.auth, callers);
    const bytes = encodeRequest(request, `127.0.0.1:${app.port}`, authHeaders);
    logged.length = 0;
    const answer = await sendRaw(app.port, bytes, {
      timeoutMs: TIMEOUT_MS,
      halfClose: isIncomplete(request),
      method: request.method,
    });
    sent++;
    // Errors are logged as the request fails; give a streamed answer's logger a tick to catch up.
    await new Promise((resolve) => setImmediate(resolve));
    const messages = logged.map(logMessage);
    const found = judge(request, answer, requestText(request, bytes), messages);
    const what = `${answer.status} ${request.method} ${request.target.slice(0, 100)} (${request.family}, ${bytes.length} bytes, ${answer.ms.toFixed(0)} ms)`;
    slowest.push({
      ms: answer.ms,
      what: `${what}\n        after ${previous}${answer.ms > 2000 ? `\n${describeRequest(request).replace(/^/gm, '        ').slice(0, 1500)}` : ''}`,
    });
    previous = what;
    const group = `${request.endpoint.split(' ').slice(0, 2).join(' ')} ${answer.timedOut ? 'timeout' : answer.status}`;
    statuses.set(group, (statuses.get(group) ?? 0) + 1);
    slowest.sort((a, b) => b.ms - a.ms).splice(10);
    for (const failure of found) {
      failures.add(failure, request, answer, bytes.length);
      runLog.add(failure, request, answer, bytes.length);
    }
    return { found, answer };
  }

  async function fuzz(seed: number, label: string) {
    let firstFailureAt: number | undefined;
    const runLog = new FailureLog();
    const property = fc.asyncProperty(arbitrary, async (request) => {
      // Once shrinking has had its budget, remaining candidates pass without a request: fast-check
      // then reports the smallest failure found so far.
      if (firstFailureAt !== undefined && sent - firstFailureAt > SHRINK_REQUESTS) return true;
      const { found, answer } = await exchange(request, runLog);
      if (found.length === 0 || REPORT) return true;
      firstFailureAt ??= sent;
      throw new Error(
        `${found.map((f) => f.klass).join('; ')}\nanswer ${answer.status}: ${answer.body.slice(0, 200)}\n${describeRequest(request)}`,
      );
    });
    const startedAt = performance.now();
    const cpuBefore = process.cpuUsage();
    const sentBefore = sent;
    console.log(`fuzz ${label}: seed ${seed} (replay with FUZZ_SEED=${seed}), ${RUNS} requests`);
    try {
      await fc.assert(property, {
        seed,
        numRuns: RUNS,
        path: label === 'random seed' ? REPLAY_PATH : undefined,
        endOnFailure: false,
        verbose: 0,
      });
    } catch (error) {
      const message = String((error as Error).message);
      const shrunkPath = /path: "([\d:]+)"/.exec(message)?.[1];
      throw new Error(
        `Fuzz (${label}) failed. Replay: FUZZ_SEED=${seed} npx vitest run test/fuzz.test.ts` +
          (shrunkPath
            ? `\nReplay only the shrunk request: FUZZ_SEED=${seed} FUZZ_PATH="${shrunkPath}" npx vitest run test/fuzz.test.ts`
            : '') +
          `\nList every failure class: FUZZ_REPORT=1 FUZZ_SEED=${seed} npx vitest run test/fuzz.test.ts\n\n` +
          `Failure classes of this run (the first failure and its shrinking), each with its smallest request:\n\n${runLog.report()}\n\n` +
          `fast-check's shrunk counterexample:\n${message.slice(0, 3000)}`,
      );
    } finally {
      const seconds = (performance.now() - startedAt) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      console.log(
        `fuzz ${label}: ${sent - sentBefore} requests in ${seconds.toFixed(1)} s (${((sent - sentBefore) / seconds).toFixed(0)}/s), ` +
          `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s for client and server together`,
      );
    }
    if (REPORT && failures.size > 0) console.log(`fuzz ${label}: ${failures.size} failure classes so far`);
  }

  // Replaying a random run (FUZZ_SEED): the fixed seed is not the question.
  it.skipIf(REPLAY_SEED !== undefined)(`fixed seed ${FIXED_SEED}`, { timeout: 600_000 }, async () => {
    await fuzz(FIXED_SEED, 'fixed seed');
  });

  it('random seed (printed; FUZZ_SEED replays it)', { timeout: 600_000 }, async () => {
    await fuzz(RANDOM_SEED, 'random seed');
  });

  it('sent at least 2,000 requests and found no failure class', () => {
    if (REPORT) {
      console.log(`\nfuzz report: ${sent} requests, ${failures.size} failure classes\n\n${failures.report()}\n`);
      console.log(
        `answers by endpoint and status:\n${[...statuses]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, n]) => `  ${k}: ${n}`)
          .join('\n')}`,
      );
      console.log(`slowest answers:\n${slowest.map((s) => `  ${s.ms.toFixed(0)} ms  ${s.what}`).join('\n')}`);
    }
    expect(failures.size, `failure classes:\n${failures.report()}`).toBe(0);
    if (REPLAY_SEED === undefined) expect(sent).toBeGreaterThanOrEqual(2000);
  });

  it('still answers afterwards: /healthz and an authenticated GraphQL query as admin and customer', {
    timeout: 60_000,
  }, async () => {
    const base = `http://127.0.0.1:${app.port}`;
    const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
    expect(health.status).toBe(200);
    // A fresh customer: the fuzz's own may rightly have been disabled by a garbage id that happened
    // to be its id (DELETE /users/1).
    const fresh = (
      await gql(
        'mutation { createCustomer(input: { email: "after.fuzz@example.com", firstName: "After" }) { customer { id } } }',
      )
    ).createCustomer.customer;
    const { secret } = (
      await gql('mutation($owner: ID!) { createApiKey(input: { owner: $owner }) { secret } }', { owner: fresh.id })
    ).createApiKey;
    for (const [key, type] of [
      [ADMIN_KEY, 'Agent'],
      [secret, 'Customer'],
    ] as const) {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ viewer { __typename } }' }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status, type).toBe(200);
      expect(await response.json()).toMatchObject({ data: { viewer: { __typename: type } } });
    }
    const rssAfter = process.memoryUsage().rss;
    const MiB = 1024 * 1024;
    console.log(
      `fuzz RSS (server and test share the process): ${(rssBefore / MiB).toFixed(0)} MiB before, ${(rssAfter / MiB).toFixed(0)} MiB after, ${((rssAfter - rssBefore) / MiB).toFixed(0)} MiB more`,
    );
  });
});

/** The message of one pino line: the error's type and message when there is one. */
function logMessage(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string } };
    if (entry.err?.message) return `${entry.err.type ?? 'Error'}: ${entry.err.message}`;
    const { level: _level, time: _time, ...rest } = entry as Record<string, unknown>;
    return JSON.stringify(rest);
  } catch {
    return line;
  }
}
