// A deliberately dumb HTTP/1.1 client on a raw TCP socket: it writes exactly the bytes it is given,
// so it can send what fetch and node:http refuse (bad percent-encoding, NUL bytes, invalid Host,
// odd methods, broken chunked bodies), and reads back whatever the server answers.
import { connect } from 'node:net';

/** Credentials are resolved when the request is sent (keys exist only after seeding; WSSE needs the clock). */
export type AuthSpec =
  | { kind: 'anonymous' }
  | { kind: 'bearer' | 'basic' | 'wsse'; who: 'admin' | 'customer' }
  /** A WSSE header with a chosen nonce/created and, if validDigest, a digest that really matches. */
  | { kind: 'wsse-forged'; who: 'admin' | 'customer'; nonce: string; created: string; validDigest: boolean }
  /** Malformed credentials, written as they are. */
  | { kind: 'raw'; headers: [string, string][] };

/**
 * How the body goes on the wire. `length` and `chunked` are well-formed; `bad-chunked` writes the
 * given chunk text instead of a proper encoding; `truncated` declares more bytes than it sends.
 * The last two end the request half-way, so "no answer" is acceptable for them.
 */
export type Framing = 'length' | 'chunked' | 'none' | { badChunked: string } | { truncatedBy: number };

export interface FuzzRequest {
  /** Which generator made it (shown in reports). */
  family: string;
  /** Endpoint group for classifying failures, e.g. "REST GET /tickets/:ref" or "GraphQL POST json". */
  endpoint: string;
  method: string;
  /** The request-target exactly as written on the request line. */
  target: string;
  headers: [string, string][];
  auth: AuthSpec;
  body?: string;
  /** `latin1` sends each char code as one byte (arbitrary bytes, invalid UTF-8). */
  bodyEncoding?: 'utf8' | 'latin1';
  framing?: Framing;
  /** Replaces `HTTP/1.1` on the request line. */
  version?: string;
  /** Leave out the Host header (the client adds `Host: 127.0.0.1:port` otherwise, unless one is in headers). */
  noHost?: boolean;
}

export interface RawAnswer {
  /** 0 when no status line came back. */
  status: number;
  head: string;
  headers: Record<string, string>;
  body: string;
  /** Everything received, decoded as latin1 (what the leak checks read). */
  raw: string;
  ms: number;
  timedOut: boolean;
  /** Socket error (ECONNRESET, EPIPE...) seen while talking, if any. */
  error?: string;
}

export function isIncomplete(request: FuzzRequest): boolean {
  const framing = request.framing;
  return typeof framing === 'object';
}

/** The bytes of a request; `authHeaders` are the resolved credentials. */
export function encodeRequest(request: FuzzRequest, host: string, authHeaders: [string, string][]): Buffer {
  const body = request.body === undefined ? undefined : Buffer.from(request.body, request.bodyEncoding ?? 'utf8');
  const headers: [string, string][] = [];
  const hasHeader = (name: string) => request.headers.some(([n]) => n.toLowerCase() === name);
  if (!request.noHost && !hasHeader('host')) headers.push(['Host', host]);
  headers.push(...request.headers, ...authHeaders);
  headers.push(['Connection', 'close']);
  const framing = request.framing ?? (body ? 'length' : 'none');
  let payload: Buffer = Buffer.alloc(0);
  if (framing === 'length' && body) {
    if (!hasHeader('content-length')) headers.push(['Content-Length', String(body.length)]);
    payload = body;
  } else if (framing === 'chunked') {
    headers.push(['Transfer-Encoding', 'chunked']);
    const parts: Buffer[] = [];
    const data = body ?? Buffer.alloc(0);
    for (let i = 0; i < data.length; i += 4096) {
      const chunk = data.subarray(i, i + 4096);
      parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    payload = Buffer.concat(parts);
  } else if (typeof framing === 'object' && 'badChunked' in framing) {
    headers.push(['Transfer-Encoding', 'chunked']);
    payload = Buffer.from(framing.badChunked, 'latin1');
  } else if (typeof framing === 'object' && 'truncatedBy' in framing) {
    const data = body ?? Buffer.alloc(0);
    headers.push(['Content-Length', String(data.length + Math.max(1, framing.truncatedBy))]);
    payload = data;
  } else if (body) {
    payload = body; // framing 'none' with a body: bytes after the head with no length
  }
  const head = `${request.method} ${request.target} ${request.version ?? 'HTTP/1.1'}\r\n${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), payload]);
}

function decodeChunked(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * Whether `data` holds a whole answer. Streamed answers (SSE, multipart/mixed) say
 * `Connection: keep-alive` even to a client that asked to close, so the end of the socket is not
 * a reliable end of the answer: read until the framing says it is complete.
 */
function isComplete(data: Buffer, method: string): boolean {
  let at = 0;
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd < 0) return false;
    const head = data.subarray(at, headEnd).toString('latin1');
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1] ?? 0);
    if (status >= 100 && status < 200) {
      at = headEnd + 4;
      continue;
    }
    if (method === 'HEAD' || status === 204 || status === 304) return true;
    const body = data.subarray(headEnd + 4);
    if (/^transfer-encoding:.*chunked/im.test(head)) {
      let pos = 0;
      for (;;) {
        const lineEnd = body.indexOf('\r\n', pos);
        if (lineEnd < 0) return false;
        const size = parseInt(body.subarray(pos, lineEnd).toString('latin1'), 16);
        if (!Number.isFinite(size)) return false;
        if (size === 0)
          return body.indexOf('\r\n\r\n', lineEnd) >= 0 || body.subarray(lineEnd).toString('latin1') === '\r\n\r\n';
        pos = lineEnd + 2 + size + 2;
        if (pos > body.length) return false;
      }
    }
    const length = /^content-length:\s*(\d+)/im.exec(head);
    return length ? body.length >= Number(length[1]) : false;
  }
}

/** Sends the bytes on a fresh connection and reads one answer (until complete, closed, or the timeout). */
export function sendRaw(
  port: number,
  bytes: Buffer,
  options: { timeoutMs: number; halfClose: boolean; method?: string },
): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let timedOut = false;
    let done = false;
    const socket = connect({ port, host: '127.0.0.1' });
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      let data = Buffer.concat(chunks);
      // Skip interim answers (100 Continue) to the final one.
      while (/^HTTP\/\d\.\d 1\d\d/.test(data.subarray(0, 12).toString('latin1')) && data.indexOf('\r\n\r\n') >= 0) {
        data = data.subarray(data.indexOf('\r\n\r\n') + 4);
      }
      const headEnd = data.indexOf('\r\n\r\n');
      const head = (headEnd < 0 ? data : data.subarray(0, headEnd)).toString('latin1');
      const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body: Buffer = headEnd < 0 ? Buffer.alloc(0) : data.subarray(headEnd + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = decodeChunked(body);
      resolve({
        status,
        head,
        headers,
        body: body.toString('utf8'),
        raw: Buffer.concat(chunks).toString('latin1'),
        ms: performance.now() - started,
        timedOut,
        error,
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      finish();
    }, options.timeoutMs);
    let received = 0;
    let tail = '';
    let framing: { kind: 'length'; total: number } | { kind: 'chunked' | 'close' } | undefined;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      tail = (tail + chunk.subarray(-16).toString('latin1')).slice(-16);
      if (!framing) {
        // Read the final head once (after any 100 Continue) to learn how the answer ends.
        const data = Buffer.concat(chunks);
        let at = 0;
        for (;;) {
          const headEnd = data.indexOf('\r\n\r\n', at);
          if (headEnd < 0) return;
          const head = data.subarray(at, headEnd).toString('latin1');
          const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1] ?? 0);
          if (status >= 100 && status < 200) {
            at = headEnd + 4;
            continue;
          }
          const length = /^content-length:\s*(\d+)/im.exec(head);
          if ((options.method ?? 'GET').toUpperCase() === 'HEAD' || status === 204 || status === 304)
            framing = { kind: 'length', total: headEnd + 4 };
          else if (/^transfer-encoding:.*chunked/im.test(head)) framing = { kind: 'chunked' };
          else if (length) framing = { kind: 'length', total: headEnd + 4 + Number(length[1]) };
          else framing = { kind: 'close' };
          break;
        }
      }
      if (framing.kind === 'length' && received >= framing.total) finish();
      if (
        framing.kind === 'chunked' &&
        /0\r\n\r\n$/.test(tail) &&
        isComplete(Buffer.concat(chunks), options.method ?? 'GET')
      )
        finish();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    socket.on('close', finish);
    socket.on('end', () => socket.end());
    socket.write(bytes, () => {
      if (options.halfClose) socket.end();
    });
  });
}
