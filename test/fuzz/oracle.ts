// What counts as a failure, how failures are grouped into classes, and the report that lists one
// (the smallest) reproducing request per class.
import { type FuzzRequest, isIncomplete, type RawAnswer } from './raw-http.ts';

/** Text that must never reach a client: stack frames, source paths, SQL and driver errors. */
export const LEAK_PATTERNS: { name: string; test: RegExp }[] = [
  { name: 'stack frame', test: /\n\s+at [^\n]+[(:]\d+/ },
  { name: '"    at "', test: / {4}at / },
  { name: 'source path .ts:', test: /\.ts:\d*/ },
  { name: 'node_modules', test: /node_modules/ },
  { name: '/work/', test: /\/work\// },
  { name: 'SQL SELECT', test: /SELECT / },
  { name: 'SQL INSERT', test: /INSERT / },
  { name: 'prisma', test: /prisma/i },
  { name: 'invalid input syntax', test: /invalid input syntax/ },
  { name: 'violates', test: /violates/ },
  { name: 'relation "', test: /relation "/ },
  {
    name: 'PGlite/PostgreSQL error',
    test: /\b(PGlite|duplicate key value|unterminated quoted|syntax error at or near|invalid byte sequence for encoding)\b/,
  },
];

export interface Failure {
  /** Stable grouping key: what went wrong, where, and (for 5xx) what the server logged. */
  klass: string;
  reason: string;
}

/** GraphQL errors the server masked: an internal failure answered with status 200 (or 4xx). */
const MASKED = /"code":\s*"INTERNAL_SERVER_ERROR"|Unexpected error\./;

/** Strips numbers, ids and quoted values so the same bug logs the same signature. */
export function signature(message: string): string {
  return message
    .replace(/\s+/g, ' ')
    .replace(/\bhttps?:\/\/\S*/g, 'URL')
    .replace(/"[^"]{0,200}"/g, '"…"')
    .replace(/'[^']{0,200}'/g, "'…'")
    .replace(/0x[0-9a-f]+/gi, 'N')
    .replace(/\d+/g, 'N')
    .slice(0, 160);
}

/** The request's own text, to tell a leak from an echo of what the client sent. */
export function requestText(request: FuzzRequest, bytes: Buffer): string {
  let decoded = request.target;
  try {
    decoded = decodeURIComponent(request.target.replace(/\+/g, ' '));
  } catch {
    // keep the raw target
  }
  return `${bytes.toString('latin1')}\n${bytes.toString('utf8')}\n${decoded}\n${JSON.stringify(request.body ?? '')}`;
}

/**
 * Judges one exchange. `logged` are the messages the server logged at error level while serving
 * it: they name the real cause of a 5xx or a masked error, which the answer must not.
 */
export function judge(request: FuzzRequest, answer: RawAnswer, sentText: string, logged: string[]): Failure[] {
  const failures: Failure[] = [];
  const cause = logged.length ? signature(logged[0]!) : 'nothing logged';
  // A logged cause names the bug; then every REST route that hits it is one class, not one per route.
  const where = logged.length && /^(REST|protocol rest)/.test(request.endpoint) ? 'REST' : request.endpoint;
  if (answer.timedOut) {
    failures.push({
      klass: `timeout | ${request.endpoint} | ${request.family}`,
      reason: `no complete answer within the timeout${answer.status ? ` (status ${answer.status} started)` : ''}`,
    });
    return failures;
  }
  if (answer.status === 0) {
    // A request cut off on purpose may get no answer; a complete one must.
    // CONNECT and Upgrade are node:http's own business: without a listener it closes the socket.
    if (!isIncomplete(request) && !/^CONNECT$/i.test(request.method)) {
      failures.push({
        klass: `no answer | ${where} | ${cause}`,
        reason: `connection closed without a status line${answer.error ? ` (${answer.error})` : ''}`,
      });
    }
    return failures;
  }
  if (answer.status >= 500) {
    failures.push({ klass: `${answer.status} | ${where} | ${cause}`, reason: `status ${answer.status}` });
  }
  // GraphiQL's page is a static bundle of the GraphiQL package, whose source naturally mentions
  // "node_modules" and stack-like text; it is the same page for every request, not a leak.
  const graphiqlPage =
    answer.status === 200 &&
    /^text\/html/i.test(answer.headers['content-type'] ?? '') &&
    answer.body.includes('YogaGraphiQL.renderYogaGraphiQL');
  const leaked = graphiqlPage
    ? []
    : LEAK_PATTERNS.filter((pattern) => pattern.test.test(answer.raw) && !pattern.test.test(sentText)).map(
        (p) => p.name,
      );
  if (leaked.length)
    failures.push({
      klass: `leak ${leaked.join(', ')} | ${request.endpoint}`,
      reason: `answer contains ${leaked.join(', ')}`,
    });
  if (MASKED.test(answer.body) && answer.status < 500 && !MASKED.test(sentText)) {
    failures.push({
      klass: `masked internal error | ${where} | ${cause}`,
      reason: `"Unexpected error." / INTERNAL_SERVER_ERROR with status ${answer.status}`,
    });
  }
  return failures;
}

const clip = (text: string, max: number) => {
  const shown = JSON.stringify(text.length > max ? text.slice(0, max) : text).slice(1, -1);
  return text.length > max ? `${shown}… (${text.length} chars)` : shown;
};

/** A request as a reader (and a curl-minded replayer) wants to see it. */
export function describeRequest(request: FuzzRequest, authHeaders: [string, string][] = []): string {
  const lines = [
    `${request.method} ${clip(request.target, 300)} ${request.version ?? 'HTTP/1.1'}${request.noHost ? '   (no Host header)' : ''}`,
  ];
  for (const [name, value] of request.headers) lines.push(`${clip(name, 60)}: ${clip(value, 200)}`);
  const auth = request.auth;
  if (auth.kind === 'raw')
    for (const [name, value] of auth.headers) lines.push(`${clip(name, 60)}: ${clip(value, 200)}`);
  else if (auth.kind !== 'anonymous')
    lines.push(
      `(credentials: ${auth.kind} as ${auth.who}${auth.kind === 'wsse-forged' ? `, Nonce=${clip(auth.nonce, 80)}, Created=${auth.created}, ${auth.validDigest ? 'valid' : 'wrong'} digest` : ''})`,
    );
  if (request.framing && request.framing !== 'length' && request.framing !== 'none')
    lines.push(`(framing: ${JSON.stringify(request.framing)})`);
  if (request.body !== undefined) lines.push('', clip(request.body, 400));
  void authHeaders;
  return lines.join('\n');
}

export interface Example {
  request: FuzzRequest;
  status: number;
  answer: string;
  reason: string;
  size: number;
  count: number;
}

/** Failures by class, keeping the smallest request seen for each. */
export class FailureLog {
  readonly classes = new Map<string, Example>();

  add(failure: Failure, request: FuzzRequest, answer: RawAnswer, size: number) {
    const known = this.classes.get(failure.klass);
    if (known) {
      known.count++;
      if (size >= known.size) return;
    }
    this.classes.set(failure.klass, {
      request,
      status: answer.status,
      answer: answer.timedOut ? '(timed out)' : answer.body || answer.head,
      reason: failure.reason,
      size,
      count: (known?.count ?? 0) + (known ? 0 : 1),
    });
  }

  get size() {
    return this.classes.size;
  }

  report(): string {
    const sorted = [...this.classes.entries()].sort(([a], [b]) => a.localeCompare(b));
    return sorted
      .map(
        ([klass, e], i) =>
          `#${i + 1} ${klass}\n   seen ${e.count}x; ${e.reason}; answer ${e.status}: ${clip(e.answer, 200)}\n${describeRequest(
            e.request,
          )
            .split('\n')
            .map((line) => `      ${line}`)
            .join('\n')}`,
      )
      .join('\n\n');
  }
}
