// Wires configuration, database, GraphQL and HTTP together; main.ts adds signals around it.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from './app.ts';
import { ensureAdmin } from './auth/bootstrap.ts';
import { loadServerKey, type SecretBox, secretBox, verifyServerKey } from './auth/secret-box.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { createOrphanSweeper, startOrphanSweeper } from './domain/attachments.ts';
import { fillMissingUsernames } from './domain/usernames.ts';
import type { Logger } from './logger.ts';
import { createHttpServer } from './server.ts';
import { filesystemBlobStore } from './storage/blob-store.ts';

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);
const isWildcard = (host: string) => host === '' || host === '0.0.0.0' || host === '::';

/** http://<listen address>:<port>, with localhost for a wildcard address. */
export function ownBaseUrl(host: string, port: number) {
  const name = isWildcard(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

export async function startHelpdesk(config: Config, logger: Logger) {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: path.join(config.dataDir, 'pglite'),
    poolSize: config.databasePoolSize,
    statementTimeoutMs: config.statementTimeoutMs,
    poolTimeoutMs: config.poolTimeoutMs,
  });
  let box: SecretBox;
  try {
    if (config.autoMigrate) {
      const applied = await db.migrate();
      if (applied.length > 0) logger.info({ applied }, 'applied migrations');
    }
    const mayGenerate = (await db.prisma.apiKey.count()) === 0;
    box = secretBox(await loadServerKey(config.secretKey, config.dataDir, mayGenerate));
    await verifyServerKey(db.prisma, box);
    if (config.admin && (await ensureAdmin(db.prisma, box, config.admin))) {
      logger.info({ email: config.admin.email }, 'created admin agent from HELPDESK_ADMIN_EMAIL');
    }
    // Agents from before usernames existed (and any inserted around the domain) get one now.
    const named = await fillMissingUsernames(db.prisma);
    if (named) logger.info({ agents: named }, 'gave agents without a username one from their email');
  } catch (error) {
    await db.close();
    throw error;
  }

  const store = filesystemBlobStore(path.join(config.dataDir, 'attachments'));
  // Blobs of uploads that never committed (a crash, a failed transaction) and interrupted writes.
  const sweeper = startOrphanSweeper(
    createOrphanSweeper(db.prisma, store, { graceMs: config.blobSweep.graceSeconds * 1000 }),
    config.blobSweep.intervalSeconds * 1000,
    (result) => {
      if (result.removedBlobs || result.removedTemporaries) logger.info(result, 'swept orphan attachment blobs');
    },
    (error) => logger.warn({ err: error }, 'attachment blob sweep failed'),
  );
  // Absolute links come from HELPDESK_PUBLIC_URL, else from this server's own address (known once
  // it listens), never from the Host header a client sends.
  let ownUrl = 'http://localhost';
  const app = createApp({
    db,
    box,
    logger,
    rateLimitPerMinute: config.rateLimitPerMinute,
    authFailuresPerMinute: config.authFailuresPerMinute,
    apiKeysPerPerson: config.apiKeysPerPerson,
    // Budgets shared by every instance: Redis when configured, else the PostgreSQL database.
    rateLimitStore: config.redisUrl
      ? { kind: 'redis', url: config.redisUrl }
      : config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl }
        : { kind: 'memory' },
    limits: config.limits,
    store,
    attachmentLimits: config.attachments,
    maxRequestBytes: config.maxRequestBytes,
    publicUrl: config.publicUrl ?? (() => ownUrl),
    downloadTokenSeconds: config.downloadTokenSeconds,
    corsOrigins: config.corsOrigins,
    wsseLifetimeSeconds: config.wsseLifetimeSeconds,
    restMaxPageSize: config.restMaxPageSize,
    deskieLanguages: config.deskieLanguages,
  });
  await app.ready();
  const { yoga, gate, download, rest, dialects, maxRequestBytes } = app;
  const server = createHttpServer({
    yoga,
    gate,
    download,
    rest,
    dialects,
    maxRequestBytes,
    maxJsonBytes: config.maxJsonBytes,
    connections: {
      headersTimeoutMs: config.headersTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      maxConnections: config.maxConnections,
    },
    exposeMetrics: config.metrics,
    db,
    logger,
  });
  server.listen(config.port, config.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    // The port is taken (or similar): release what was started, in the order close() does.
    await sweeper.stop();
    await app.close();
    await db.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  ownUrl = ownBaseUrl(config.host, port);
  logger.info({ port, engine: db.engine, graphql: `${config.publicUrl ?? ownUrl}/graphql` }, 'helpdesk API listening');
  if (!config.publicUrl && !isLoopback(config.host)) {
    logger.warn(
      { host: config.host, links: ownUrl },
      `HELPDESK_PUBLIC_URL is not set: attachment links, Location and Link headers point to ${ownUrl}; set it to the address clients use (e.g. https://help.example.com)`,
    );
  }

  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    db,
    /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await sweeper.stop();
        await app.close();
        await db.close();
      })();
      return closing;
    },
  };
}
