// A body cut off at its cap, against a real `node src/main.ts` process (the crash below did not
// show with the server inside the test runner's process).
// A chunked body over HELPDESK_MAX_JSON_SIZE that nobody reads (the 401 goes out first) used to
// end the server: the cut-off was an 'error' event without a listener.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Spawned, startServer, stop } from './processes.ts';

const CAP = 100_000;

describe('a chunked body over the cap', () => {
  let dataDir: string;
  let server: Spawned & { base: string };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'helpdesk-cutoff-'));
    server = await startServer({ HELPDESK_DATA_DIR: dataDir, HELPDESK_MAX_JSON_SIZE: String(CAP) });
  }, 120_000);
  afterAll(async () => {
    if (server) await stop(server, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Sends headers, then chunks until twice the cap or until the server closes; returns what came back. */
  function sendChunked(target: string, authorization: string): Promise<string> {
    const { port } = new URL(server.base);
    return new Promise((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.on('data', (data) => (received += data.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => resolve(received));
      socket.write(
        `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
          `Authorization: ${authorization}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const next = () => {
        if (socket.destroyed) return;
        if (sent > 2 * CAP) return void socket.end();
        socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
        sent += chunk.length;
        setTimeout(next, 20);
      };
      next();
    });
  }

  it('answered 401 without reading it: the server keeps running, on REST and /graphql', async () => {
    for (const target of ['/api/rest/latest/desk/branches.json', '/graphql']) {
      expect(await sendChunked(target, `Bearer ${'0'.repeat(40)}`), target).toMatch(/^HTTP\/1\.1 401 /);
      expect((await fetch(`${server.base}/healthz`)).status, `after ${target}`).toBe(200);
    }
    expect(server.child.exitCode).toBeNull();
    expect(server.lines.join('\n')).not.toMatch(/body too large|Unhandled 'error'/);
  }, 60_000);
});
