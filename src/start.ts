// Wires configuration, database, GraphQL and HTTP together; main.ts adds signals around it.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ensureAdmin } from './auth/bootstrap.ts';
import { loadServerKey, secretBox, verifyServerKey, type SecretBox } from './auth/secret-box.ts';
import { createApp } from './app.ts';
import { filesystemBlobStore } from './storage/blob-store.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import type { Logger } from './logger.ts';
import { createHttpServer } from './server.ts';

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
  } catch (error) {
    await db.close();
    throw error;
  }

  const { yoga, gate, download, rest, maxRequestBytes } = createApp({
    db,
    box,
    logger,
    rateLimitPerMinute: config.rateLimitPerMinute,
    limits: config.limits,
    store: filesystemBlobStore(path.join(config.dataDir, 'attachments')),
    attachmentLimits: config.attachments,
    maxRequestBytes: config.maxRequestBytes,
    publicUrl: config.publicUrl,
    downloadTokenSeconds: config.downloadTokenSeconds,
  });
  const server = createHttpServer({ yoga, gate, download, rest, maxRequestBytes, exposeMetrics: config.metrics, db, logger });
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  logger.info({ port, engine: db.engine, graphql: `http://localhost:${port}/graphql` }, 'helpdesk API listening');

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
        await db.close();
      })();
      return closing;
    },
  };
}
