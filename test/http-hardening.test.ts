// The node:http layer and the REST adapter under hostile input, through a real socket: bad
// percent-encoding, NUL, bad Host headers, huge form and JSON bodies, slow clients, too many
// connections, links built from a forged Host, and the security headers on every kind of answer.
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wsse from 'wsse';
import { loadConfig } from '../src/config.ts';
import { startServer, type TestServer } from './helpers.ts';

const ADMIN_EMAIL = 'hardening@example.com';
const ADMIN_KEY = '0123456789abcdef0123456789abcdef0123abcd';
const API = '/api/rest/latest/desk';
const MiB = 1024 * 1024;
const HEADERS_TIMEOUT = 1000;
const REQUEST_TIMEOUT = 2500;
const MAX_CONNECTIONS = 40;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send this Host header instead of the real one. */
  host?: string;
  /** WSSE credentials of the admin. */
  auth?: boolean;
  /** Another server's port (default: the file's server). */
  port?: number;
}

const wsseHeaders = () => ({
  'X-WSSE': wsse({ username: ADMIN_EMAIL, password: ADMIN_KEY }).getWSSEHeader({ nonceBase64: true }),
  Authorization: 'WSSE profile="UsernameToken"',
});

/** The message of one logged line, with its error's, so a failure shows what was logged. */
const logMessage = (line: string) => {
  const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
  return `${entry.msg}${entry.err?.message ? `: ${entry.err.message}` : ''}`;
};

describe('HTTP hardening', () => {
  /** Error-level log lines of the file's server. */
  const logged: string[] = [];
  let server: TestServer;
  let app: TestServer['app'];
  let port: number;
  let origin: string;
  let env: Record<string, string>;
  let branchId: number;
  let ticket: { id: number; key: string };

  /** One request on its own connection (no pooling), any Host, any target. */
  function call(target: string, options: CallOptions = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...(options.auth ? wsseHeaders() : {}), ...options.headers };
      if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
      const targetPort = options.port ?? port;
      headers.Host = options.host ?? `127.0.0.1:${targetPort}`;
      const req = httpRequest({
        host: '127.0.0.1',
        port: targetPort,
        path: target,
        method: options.method ?? 'GET',
        headers,
        agent: false,
        setHost: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, json });
        });
      });
      req.end(options.body);
    });
  }

  const json = (target: string, body: unknown, options: CallOptions = {}) =>
    call(target, {
      method: 'POST',
      auth: true,
      ...options,
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', ...options.headers },
    });
  const form = (target: string, body: string, options: CallOptions = {}) =>
    call(target, {
      method: 'POST',
      auth: true,
      ...options,
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...options.headers },
    });
  const graphql = (query: string, variables: Record<string, unknown> = {}, options: CallOptions = {}) =>
    call('/graphql', {
      method: 'POST',
      ...options,
      body: JSON.stringify({ query, variables }),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_KEY}`, ...options.headers },
    });

  /** A raw socket; resolves with everything the server sent and when it closed. */
  function rawSocket(): { socket: Socket; received: () => string; closed: Promise<number> } {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', () => {});
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    return { socket, received: () => data, closed };
  }

  beforeAll(async () => {
    env = {
      HELPDESK_RATE_LIMIT: '150',
      HELPDESK_MAX_FILE_SIZE: String(2 * MiB),
      HELPDESK_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT),
      HELPDESK_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT),
      HELPDESK_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      HELPDESK_METRICS: '1',
    };
    server = await startServer({
      admin: { email: ADMIN_EMAIL, key: ADMIN_KEY },
      env,
      logger: pino({ level: 'error', base: undefined }, { write: (line: string) => void logged.push(line) }),
    });
    app = server.app;
    port = app.port;
    origin = `http://127.0.0.1:${port}`;
    const branch = await json(`${API}/branches.json`, { name: 'Hardening', key: 'HARD' });
    expect(branch.status, branch.text).toBe(201);
    branchId = branch.json.id;
    const created = await json(`${API}/tickets.json`, {
      branch: branchId,
      subject: 'Subject',
      description: 'Description',
      reporter: 'oro_1',
      attachmentsInput: [{ filename: 'hello.txt', content: Buffer.from('hello\n').toString('base64') }],
    });
    expect(created.status, created.text).toBe(201);
    ticket = created.json;
  });

  afterAll(() => server?.close());

  describe('bad input is a 400, never a 500', () => {
    it('refuses bad percent-encoding in REST paths, with or without credentials, in JSON or XML', async () => {
      const anonymous = await call(`${API}/%ZZ`);
      expect(anonymous.status).toBe(400);
      expect(anonymous.json).toEqual({ error: 'The request path has invalid percent-encoding.' });
      const xml = await call(`${API}/tickets/%ZZ.xml`);
      expect(xml.status).toBe(400);
      expect(xml.headers['content-type']).toMatch(/^application\/xml/);
      expect(xml.text).toContain('<error>The request path has invalid percent-encoding.</error>');
      const accept = await call(`${API}/%E0%A4%A`, { headers: { Accept: 'application/xml' }, auth: true });
      expect(accept.status).toBe(400);
      expect(accept.headers['content-type']).toMatch(/^application\/xml/);
      const portal = await call(`/api/diamante/rest/latest/desk/%ff`, { auth: true });
      expect(portal.status).toBe(400);
    });

    it('refuses NUL and lone surrogates in ids, filters and JSON, form and XML bodies', async () => {
      const expect400 = (answer: Answer, message: RegExp) => {
        expect(answer.status, answer.text).toBe(400);
        expect(answer.json?.error ?? answer.text).toMatch(message);
      };
      expect400(await call(`${API}/tickets/search.json?q=%00`, { auth: true }), /"q" must not contain NUL/);
      expect400(await call(`${API}/tickets.json?subject=a%00b`, { auth: true }), /"subject" must not contain NUL/);
      expect400(await call(`${API}/tickets/%00.json`, { auth: true }), /path must not contain NUL/);
      expect400(await call(`${API}/tickets/${ticket.id}/attachments/%00`, { auth: true }), /path must not contain NUL/);
      // Decoded once only: %2500 is the key "%00", which does not exist.
      expect((await call(`${API}/tickets/%2500.json`, { auth: true })).status).toBe(404);

      expect400(await json(`${API}/branches.json`, { name: 'a\u0000b' }), /Request body values must not contain NUL/);
      expect400(
        await json(`${API}/tickets/${ticket.id}.json`, { description: 'x\u0000' }, { method: 'PATCH' }),
        /must not contain NUL/,
      );
      expect400(
        await json(`${API}/tickets/${ticket.id}/attachments`, {
          attachmentsInput: [{ filename: 'a\u0000.txt', content: 'aGk=' }],
        }),
        /NUL/,
      );
      expect400(await json(`${API}/branches.json`, { name: 'lone \ud800 surrogate' }), /well-formed Unicode/);
      expect400(await json(`${API}/branches.json`, { 'na\u0000me': 'x' }), /keys must not contain NUL/);
      expect400(await form(`${API}/branches.json`, 'name=a%00b'), /must not contain NUL/);
      expect400(
        await call(`${API}/branches.json`, {
          method: 'POST',
          auth: true,
          headers: { 'Content-Type': 'application/xml' },
          body: '<branch><name>a\u0000b</name></branch>',
        }),
        /NUL|could not be parsed/,
      );
      // Nothing was stored (other tests add branches of their own, none with a NUL).
      const names: string[] = (await call(`${API}/branches.json?limit=100`, { auth: true })).json.map(
        (b: { name: string }) => b.name,
      );
      expect(names).toContain('Hardening');
      expect(names.filter((name) => /^a.?b$/.test(name) || name.includes('\u0000'))).toEqual([]);
    });

    it('refuses an invalid Host header with 400 on every route', async () => {
      for (const target of [
        '/graphql',
        `${API}/branches.json`,
        '/healthz',
        '/readyz',
        '/desk/attachments/download/file/abc',
        '/nope',
      ]) {
        for (const host of ['bad host', 'a:99999', 'a/b', '%zz', 'x@y']) {
          const answer = await call(target, { host, auth: true });
          expect(answer.status, `${target} with Host ${host}: ${answer.text}`).toBe(400);
          expect(answer.json).toEqual({ error: 'Invalid Host header.' });
        }
      }
      const xml = await call(`${API}/branches.xml`, { host: 'bad host' });
      expect(xml.text).toContain('<error>Invalid Host header.</error>');
    });

    it('refuses request targets that are not a path, and serves absolute-form targets as their path', async () => {
      for (const target of ['//', '//evil.example/graphql', '*']) {
        const answer = await call(target);
        expect(answer.status, target).toBe(400);
        expect(answer.json.error).toMatch(/Bad request target/);
      }
      const absolute = await call('http://evil.example/healthz');
      expect(absolute.status).toBe(200);
      expect(absolute.json).toEqual({ status: 'ok' });
    });

    it('answers a malformed request line with a JSON 400', async () => {
      const { socket, received, closed } = rawSocket();
      socket.write('THIS IS NOT HTTP\r\n\r\n');
      await closed;
      expect(received()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(received()).toContain('{"error":"Malformed HTTP request."}');
      expect(received()).not.toMatch(/at .*\.ts|node:internal/);
    });
  });

  describe('REST form bodies and query strings', () => {
    it('refuses a form body of 40,000 fields quickly with 413, and keeps answering /healthz', async () => {
      const body = Array.from({ length: 40_000 }, (_, i) => `k${i}=1`).join('&');
      expect(body.length).toBeGreaterThan(300_000);
      const started = Date.now();
      const [answer, health] = await Promise.all([form(`${API}/branches.json`, body), call('/healthz')]);
      const elapsed = Date.now() - started;
      expect(answer.status).toBe(413);
      expect(answer.json).toEqual({ error: 'Form body has more than 1000 fields.' });
      expect(health.status).toBe(200);
      expect(elapsed).toBeLessThan(2000);
      // 1,000 fields is within the limit: parsed (a create ignores the unknown ones), then refused
      // for what is missing.
      const thousand = Array.from({ length: 1000 }, (_, i) => `k${i}=1`).join('&');
      const unknown = await form(`${API}/branches.json`, thousand);
      expect(unknown.status).toBe(400);
      expect(unknown.json.error).toMatch(/name/i);
    });

    it('reads PHP bracket keys: nested attachmentsInput objects and name[] lists, keys camelCased at the top', async () => {
      const content = Buffer.from('from a PHP shop\n');
      const encoded = encodeURIComponent(content.toString('base64'));
      for (const key of ['attachmentsInput', 'attachments_input']) {
        const answer = await form(
          `${API}/tickets/${ticket.id}/attachments.json`,
          `${key}%5B0%5D%5Bfilename%5D=shop-${key}.txt&${key}[0][content]=${encoded}`,
        );
        expect(answer.status, answer.text).toBe(201);
        expect(answer.json).toMatchObject([{ file: { filename: `shop-${key}.txt` } }]);
        const download = await fetch(answer.json[0].file.url);
        expect(Buffer.from(await download.arrayBuffer())).toEqual(content);
      }
      const tagged = await form(`${API}/tickets/${ticket.id}.json`, 'tags[]=a&tags[]=b&subject=Form+subject', {
        method: 'PATCH',
      });
      expect(tagged.status, tagged.text).toBe(200);
      expect(tagged.json).toMatchObject({ subject: 'Form subject', tags: ['a', 'b'] });
      const single = await form(`${API}/tickets/${ticket.id}.json`, 'tags[]=only', { method: 'PATCH' });
      expect(single.json.tags).toEqual(['only']);
    });

    it('refuses deep nesting and long lists in form bodies, and too many query parameters', async () => {
      const deep = await form(`${API}/branches.json`, 'a[b][c][d][e][f][g]=1');
      expect(deep.status).toBe(400);
      expect(deep.json.error).toMatch(/nests keys more than 5 levels/);
      const long = await form(`${API}/branches.json`, Array.from({ length: 101 }, () => 'tags[]=x').join('&'));
      expect(long.status).toBe(400);
      expect(long.json.error).toMatch(/list of more than 100 items/);
      const query = Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&');
      const many = await call(`${API}/tickets.json?${query}`, { auth: true });
      expect(many.status).toBe(400);
      expect(many.json.error).toBe('The query string has more than 1000 parameters.');
      const deepJson = await json(`${API}/branches.json`, { name: JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) });
      expect(deepJson.status).toBe(400);
    });

    it('refuses multipart bodies on REST with 415', async () => {
      const answer = await call(`${API}/branches.json`, {
        method: 'POST',
        auth: true,
        headers: { 'Content-Type': 'multipart/form-data; boundary=x' },
        body: '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nB\r\n--x--\r\n',
      });
      expect(answer.status).toBe(415);
    });
  });

  describe('body size caps', () => {
    const jsonCap = () => loadConfig(env).maxJsonBytes;

    it('derives the JSON cap from the file size: a base64 file of the maximum size fits', async () => {
      expect(jsonCap()).toBe(4 * Math.ceil((2 * MiB) / 3) + MiB);
      const bytes = randomBytes(2 * MiB);
      const answer = await json(`${API}/tickets/${ticket.id}/attachments.json`, {
        attachmentsInput: [{ filename: 'largest.bin', content: bytes.toString('base64') }],
      });
      expect(answer.status, answer.text.slice(0, 300)).toBe(201);
      const download = await fetch(answer.json[0].file.url);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('refuses JSON, XML, form and text bodies over the JSON cap with 413, on /graphql and REST', async () => {
      const over = 'x'.repeat(jsonCap() + 1);
      for (const [target, type] of [
        ['/graphql', 'application/json'],
        ['/graphql', 'text/plain'],
        ['/graphql', 'application/graphql'],
        [`${API}/branches.json`, 'application/json'],
        [`${API}/branches.json`, 'application/x-www-form-urlencoded'],
        [`${API}/branches.xml`, 'application/xml'],
        [`${API}/branches.json`, 'multipart/form-data; boundary=x'],
      ] as const) {
        const answer = await call(target, {
          method: 'POST',
          auth: true,
          headers: { 'Content-Type': type },
          body: over,
        });
        expect(answer.status, `${target} ${type}`).toBe(413);
        if (target.endsWith('.xml')) expect(answer.text).toContain('HELPDESK_MAX_JSON_SIZE');
        else expect(answer.json.error).toMatch(/larger than \d+ bytes.*HELPDESK_MAX_JSON_SIZE/);
      }
    });

    it.each([
      ['DiamanteDesk', `${API}/branches.json`],
      ['Deskie', '/api/users.json'],
    ])('cuts a chunked %s body off at the JSON cap with one 413, and logs no error for it', async (_name, target) => {
      const { socket, received, closed } = rawSocket();
      const before = logged.length;
      socket.write(
        `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
          `X-WSSE: ${wsseHeaders()['X-WSSE']}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      const chunk = 'x'.repeat(256 * 1024);
      for (let sent = 0; sent <= jsonCap() + chunk.length && !socket.destroyed; sent += chunk.length) {
        socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await closed;
      expect(received()).toMatch(/^HTTP\/1\.1 413 /);
      expect(received().match(/HTTP\/1\.1 \d{3}/g)).toHaveLength(1);
      // The cut-off stream reached the handler as an error: it must not try a second answer.
      expect(logged.slice(before).map(logMessage)).toEqual([]);
    });

    it('keeps the larger HELPDESK_MAX_REQUEST_SIZE for multipart uploads to /graphql', async () => {
      const files = [randomBytes(1.5 * MiB), randomBytes(1.5 * MiB), randomBytes(1.5 * MiB)];
      const formData = new FormData();
      formData.append(
        'operations',
        JSON.stringify({
          query:
            'mutation($input: AddAttachmentsInput!) { addAttachments(input: $input) { attachments { byteSize } userErrors { message } } }',
          variables: { input: { ticket: { key: ticket.key }, files: files.map(() => null) } },
        }),
      );
      formData.append(
        'map',
        JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.input.files.${i}`]]))),
      );
      for (const [i, bytes] of files.entries())
        formData.append(String(i), new Blob([new Uint8Array(bytes)]), `part${i}.bin`);
      const encoded = new Response(formData);
      const body = Buffer.from(await encoded.arrayBuffer());
      expect(body.length).toBeGreaterThan(jsonCap());
      const answer = await call('/graphql', {
        method: 'POST',
        body,
        headers: {
          'Content-Type': encoded.headers.get('content-type')!,
          Authorization: `Bearer ${ADMIN_KEY}`,
          // What a browser cannot send without a preflight (for CSRF prevention on /graphql).
          'GraphQL-Preflight': '1',
          'X-GraphQL-Yoga-CSRF': '1',
          'Apollo-Require-Preflight': 'true',
        },
      });
      expect(answer.status, answer.text.slice(0, 300)).toBe(200);
      expect(answer.json.data.addAttachments.attachments).toHaveLength(3);
    });
  });

  describe('slow and numerous clients', () => {
    it('closes a connection whose headers arrive too slowly (408), within the headers timeout', async () => {
      const { socket, received, closed } = rawSocket();
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
      const elapsed = await Promise.race([
        closed,
        new Promise<number>((resolve) => setTimeout(() => resolve(-1), 4 * HEADERS_TIMEOUT)),
      ]);
      clearInterval(drip);
      socket.destroy();
      expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT - 100);
      expect(elapsed).toBeLessThan(2 * HEADERS_TIMEOUT);
      expect(received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(received()).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
    });

    it('closes a connection whose body arrives too slowly, within the request timeout', async () => {
      const { socket, received, closed } = rawSocket();
      const [wsseHeader, authorization] = Object.values(wsseHeaders());
      socket.write(
        `POST ${API}/branches.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-WSSE: ${wsseHeader}\r\nAuthorization: ${authorization}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"',
      );
      const drip = setInterval(() => socket.writable && socket.write('a'), 100);
      const elapsed = await Promise.race([
        closed,
        new Promise<number>((resolve) => setTimeout(() => resolve(-1), 3 * REQUEST_TIMEOUT)),
      ]);
      clearInterval(drip);
      socket.destroy();
      expect(elapsed).toBeGreaterThan(0);
      expect(elapsed).toBeLessThan(REQUEST_TIMEOUT + 1500);
      expect(received()).not.toMatch(/ 5\d\d /);
      expect((await call('/healthz')).status).toBe(200);
    });

    it(`refuses connections beyond HELPDESK_MAX_CONNECTIONS (${MAX_CONNECTIONS})`, async () => {
      const sockets = Array.from({ length: MAX_CONNECTIONS + 20 }, () => rawSocket());
      const closedEarly = await Promise.all(
        sockets.map(({ closed }) =>
          Promise.race([
            closed.then(() => true),
            new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500)),
          ]),
        ),
      );
      const refused = closedEarly.filter(Boolean).length;
      expect(refused).toBeGreaterThanOrEqual(20);
      expect(sockets.length - refused).toBeLessThanOrEqual(MAX_CONNECTIONS);
      for (const { socket } of sockets) socket.destroy();
      await Promise.all(sockets.map(({ closed }) => closed));
      expect((await call('/healthz')).status).toBe(200);
    });
  });

  describe('absolute links', () => {
    const EVIL = 'evil.example';

    it('never builds links from the Host header: GraphQL urls, REST bodies, Location and Link', async () => {
      const links: string[] = [];
      const query = `query($key: String) { ticket(key: $key) { attachments(first: 10) { nodes { url thumbnailUrl } } } }`;
      const gql = await graphql(query, { key: ticket.key }, { host: EVIL });
      expect(gql.status, gql.text).toBe(200);
      links.push(...gql.json.data.ticket.attachments.nodes.map((n: { url: string }) => n.url));

      const one = await call(`${API}/tickets/${ticket.id}.json`, { host: EVIL, auth: true });
      expect(one.status).toBe(200);
      links.push(...one.json.attachments.map((a: { file: { url: string } }) => a.file.url));

      const created = await json(
        `${API}/tickets.json`,
        { branch: branchId, subject: 'Via evil', description: 'x', reporter: 'oro_1' },
        { host: EVIL },
      );
      expect(created.status).toBe(201);
      links.push(String(created.headers.location));

      const list = await call(`${API}/tickets.json?limit=1`, { host: EVIL, auth: true });
      expect(list.status).toBe(200);
      links.push(String(list.headers.link));

      const target = await json(`${API}/branches.json`, { name: 'Elsewhere', key: 'ELSE' });
      const moved = await graphql(
        'mutation($input: MoveTicketInput!) { moveTicket(input: $input) { ticket { key } userErrors { message } } }',
        {
          input: {
            branch: encodeGlobalID('Branch', String(target.json.id)),
            ticket: { id: encodeGlobalID('Ticket', String(created.json.id)) },
          },
        },
      );
      expect(moved.json.data.moveTicket.userErrors).toEqual([]);
      const old = await call(`${API}/tickets/${created.json.key}.json`, { host: EVIL, auth: true });
      expect(old.status).toBe(301);
      links.push(String(old.headers.location), String(old.headers['x-location']));

      expect(links.length).toBeGreaterThanOrEqual(6);
      for (const link of links) {
        expect(link).not.toContain(EVIL);
        expect(link).toMatch(new RegExp(`(^|<)${origin}/`));
      }
    });
  });

  describe('security headers', () => {
    const expectSecurityHeaders = (
      answer: Answer,
      label: string,
      csp = "default-src 'none'; frame-ancestors 'none'",
    ) => {
      expect(answer.headers['x-content-type-options'], label).toBe('nosniff');
      expect(answer.headers['x-frame-options'], label).toBe('DENY');
      expect(answer.headers['referrer-policy'], label).toBe('no-referrer');
      expect(answer.headers['content-security-policy'], label).toBe(csp);
    };

    it('sends them with every kind of answer', async () => {
      const attachment = (await call(`${API}/tickets/${ticket.id}.json`, { auth: true })).json.attachments[0];
      const fileUrl = new URL(attachment.file.url);
      const bare = fileUrl.pathname;
      const answers: [string, Promise<Answer>, number][] = [
        ['GraphQL 200', graphql('{ __typename }'), 200],
        ['GraphQL 401', graphql('{ __typename }', {}, { headers: { Authorization: `Bearer ${'f'.repeat(40)}` } }), 401],
        [
          'GraphQL GET',
          call('/graphql?query=%7B__typename%7D', {
            headers: { Accept: 'application/json', 'GraphQL-Preflight': '1' },
          }),
          200,
        ],
        ['REST 200', call(`${API}/branches.json`, { auth: true }), 200],
        ['REST 201', json(`${API}/branches.json`, { name: 'Headers' }), 201],
        [
          'REST DELETE 404',
          call(`${API}/tickets/${ticket.id}/attachments/999999`, { method: 'DELETE', auth: true }),
          404,
        ],
        ['REST XML', call(`${API}/branches.xml`, { auth: true }), 200],
        ['REST 401', call(`${API}/branches.json`), 401],
        ['REST 404', call(`${API}/nothing-here.json`, { auth: true }), 404],
        ['REST 400', call(`${API}/%ZZ`), 400],
        [
          'REST 413',
          call(`${API}/branches.json`, {
            method: 'POST',
            auth: true,
            headers: { 'Content-Type': 'application/json' },
            body: 'x'.repeat(loadConfig(env).maxJsonBytes + 1),
          }),
          413,
        ],
        ['download 200', call(`${fileUrl.pathname}${fileUrl.search}`), 200],
        [
          'download 304',
          call(`${fileUrl.pathname}${fileUrl.search}`, { headers: { 'If-None-Match': `"${bare.split('/').pop()}"` } }),
          304,
        ],
        ['download 401', call(bare), 401],
        ['download 404', call(`/desk/attachments/download/file/${'0'.repeat(64)}`, { auth: true }), 404],
        ['healthz', call('/healthz'), 200],
        ['readyz', call('/readyz'), 200],
        ['metrics', call('/metrics'), 200],
        ['root redirect', call('/'), 302],
        ['404', call('/nope'), 404],
        ['bad Host', call('/healthz', { host: 'bad host' }), 400],
        ['bad target', call('//'), 400],
      ];
      for (const [label, pending, status] of answers) {
        const answer = await pending;
        expect(answer.status, `${label}: ${answer.text.slice(0, 200)}`).toBe(status);
        expectSecurityHeaders(answer, label);
      }
    });

    it("gives GraphiQL's HTML page its own CSP: its inline script by hash, no framing", async () => {
      const page = await call('/graphql', { headers: { Accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.text).toContain('GraphiQL');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(page.headers['content-security-policy']).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
      expect(page.headers['content-security-policy']).toMatch(/connect-src 'self'/);
    });

    // On a server of its own: it spends the anonymous rate-limit budget of 127.0.0.1.
    it('sends them with 429 answers too', async () => {
      const limited = await startServer({ admin: { email: ADMIN_EMAIL, key: ADMIN_KEY }, env });
      try {
        let answer: Answer | undefined;
        for (let i = 0; i < 300; i++) {
          answer = await call(`${API}/branches.json`, { port: limited.port });
          if (answer.status === 429) break;
          expect(answer.status).toBe(401);
        }
        expect(answer!.status).toBe(429);
        expectSecurityHeaders(answer!, 'REST 429');
        const gql = await call('/graphql', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"query":"{ __typename }"}',
          port: limited.port,
        });
        expect(gql.status).toBe(429);
        expectSecurityHeaders(gql, 'GraphQL 429');
      } finally {
        await limited.close();
      }
    });
  });
});

describe('own base URL (links when HELPDESK_PUBLIC_URL is unset)', () => {
  it('is the listening address, localhost for a wildcard address, brackets for IPv6', async () => {
    const { ownBaseUrl } = await import('../src/start.ts');
    expect(ownBaseUrl('0.0.0.0', 4000)).toBe('http://localhost:4000');
    expect(ownBaseUrl('::', 4000)).toBe('http://localhost:4000');
    expect(ownBaseUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
    expect(ownBaseUrl('::1', 80)).toBe('http://[::1]:80');
    expect(ownBaseUrl('help.internal', 4000)).toBe('http://help.internal:4000');
  });
});

describe('start without HELPDESK_PUBLIC_URL on a non-loopback address', () => {
  it('warns that links point to the listening address, and builds them from it', async () => {
    const { pino } = await import('pino');
    const lines: { level: number; msg: string; links?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const wildcard = await startServer({
      admin: { email: ADMIN_EMAIL, key: ADMIN_KEY },
      env: { HOST: '0.0.0.0' },
      logger,
    });
    try {
      const warning = lines.find((line) => /HELPDESK_PUBLIC_URL is not set/.test(line.msg));
      expect(warning?.links).toBe(`http://localhost:${wildcard.port}`);
      const created = await fetch(`http://127.0.0.1:${wildcard.port}${API}/branches.json`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Host: 'evil.example', ...wsseHeaders() },
        body: JSON.stringify({ name: 'Wildcard' }),
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(
        `http://localhost:${wildcard.port}${API}/branches/${(await created.json()).id}`,
      );
    } finally {
      await wildcard.close();
    }
  });
});
