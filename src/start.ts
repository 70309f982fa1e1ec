// Wires configuration, database, GraphQL and HTTP together; serve.ts adds signals around it.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from './app.ts';
import { createFirstAdmin, ensureAdmin } from './auth/bootstrap.ts';
import { checkServerKey, loadServerKey, type SecretBox, secretBox } from './auth/secret-box.ts';
import type { ClusterWorker } from './cluster.ts';
import type { Config } from './config.ts';
import { configuredDatabase, type Database, openDatabase } from './db/database.ts';
import { startStatisticsKeeper } from './db/statistics.ts';
import { createOrphanSweeper, startOrphanSweeper } from './domain/orphan-sweeper.ts';
import { fillMissingUsernames } from './domain/usernames.ts';
import { memoryTransport, postgresTransport, redisTransport } from './events/transports.ts';
import type { Logger } from './logger.ts';
import { createHttpServer } from './server.ts';
import { filesystemBlobStore } from './storage/blob-store.ts';

/**
 * What start-up needs to know about people and keys, in one raw statement: each distinct Prisma
 * query is compiled on first use (50-200 ms apiece), which made this the slowest part of a restart.
 */
async function startupFacts(db: Database) {
  const [facts] = await db.prisma.$queryRawUnsafe<
    { agents: number; apiKeys: number; unnamedAgents: number; sample: string | null; usableAdmin: boolean }[]
  >(`SELECT
      (SELECT count(*) FROM "Agent")::int AS "agents",
      (SELECT count(*) FROM "ApiKey")::int AS "apiKeys",
      (SELECT count(*) FROM "Agent" WHERE "username" IS NULL)::int AS "unnamedAgents",
      (SELECT "secretEncrypted" FROM "ApiKey" ORDER BY id DESC LIMIT 1) AS "sample",
      EXISTS (SELECT 1 FROM "Agent" a JOIN "ApiKey" k ON k."agentId" = a.id
              WHERE a.role = 'ADMIN' AND a.state = 'ACTIVE' AND k."revokedAt" IS NULL) AS "usableAdmin"`);
  return facts!;
}

type StartupFacts = Awaited<ReturnType<typeof startupFacts>>;

/**
 * The first credential (README, "Your first API key"): HELPDESK_ADMIN_EMAIL + HELPDESK_ADMIN_API_KEY
 * made true, or on an empty database without them a first admin whose key is logged this once.
 */
async function bootstrapAdmin(db: Database, box: SecretBox, config: Config, logger: Logger, facts: StartupFacts) {
  if (config.admin) {
    const outcome = await ensureAdmin(db.prisma, box, config.admin);
    if (outcome === 'created')
      logger.info({ email: config.admin.email }, 'created admin agent from HELPDESK_ADMIN_EMAIL');
    if (outcome === 'key-added') {
      logger.warn(
        { email: config.admin.email },
        'HELPDESK_ADMIN_API_KEY was not a key of this existing admin: added it as one (label "HELPDESK_ADMIN_API_KEY")',
      );
    }
    return;
  }
  const first = facts.agents === 0 && facts.apiKeys === 0 ? await createFirstAdmin(db.prisma, box) : null;
  if (first) {
    logger.warn(
      { firstAdmin: first },
      `FIRST START: created admin ${first.email} with API key ${first.apiKey} (shown this once; send it as "Authorization: Bearer ${first.apiKey}"; README "Your first API key")`,
    );
  } else if (!facts.usableAdmin && (facts.agents > 0 || facts.apiKeys > 0)) {
    logger.warn(
      'No admin can sign in (no active admin with an API key): run "npm run create-admin -- --email you@example.com" (README "Your first API key")',
    );
  }
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);
const isWildcard = (host: string) => host === '' || host === '0.0.0.0' || host === '::';

/** http://<listen address>:<port>, with localhost for a wildcard address. */
export function ownBaseUrl(host: string, port: number) {
  const name = isWildcard(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** Milliseconds since `since`, for the start-up phases in the "listening" log line. */
const elapsed = (since: number) => Math.round(performance.now() - since);

/**
 * What the database needs before requests are served, once per start: migrations, the server key
 * checked against the stored keys, the first admin, usernames. A cluster's primary runs it and its
 * workers only load the key (`primary: false`), so two processes never create the same admin.
 */
export async function prepareDatabase(db: Database, config: Config, logger: Logger, primary = true) {
  try {
    if (config.autoMigrate && primary) {
      const applied = await db.migrate();
      if (applied.length > 0) logger.info({ applied }, 'applied migrations');
    }
    const facts = await startupFacts(db);
    const box = secretBox(await loadServerKey(config.secretKey, config.dataDir, facts.apiKeys === 0 && primary));
    checkServerKey(box, facts.sample);
    if (!primary) return box;
    await bootstrapAdmin(db, box, config, logger, facts);
    if (facts.unnamedAgents > 0) {
      // Agents from before usernames existed (and any inserted around the domain) get one now.
      const named = await fillMissingUsernames(db.prisma);
      logger.info({ agents: named }, 'gave agents without a username one from their email');
    }
    return box;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * `opening`: the database already being opened (serve.ts starts it while this module loads).
 * `worker`: this process is one of a cluster's workers (src/cluster.ts); the primary prepared the
 * database, and only the first worker runs the background sweeps.
 */
export async function startHelpdesk(
  config: Config,
  logger: Logger,
  opening?: Promise<Database>,
  worker?: ClusterWorker,
) {
  const phases: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string) => {
    phases[name] = elapsed(phaseStart);
    phaseStart = performance.now();
  };
  const db = await (opening ?? openDatabase(configuredDatabase(config)));
  phase('database');
  const box = await prepareDatabase(db, config, logger, !worker);
  phase('credentials');
  worker?.attach(db);

  const store = filesystemBlobStore(path.join(config.dataDir, 'attachments'));
  // Blobs of uploads that never committed (a crash, a failed transaction) and interrupted writes.
  // One sweeper per installation: in a cluster, the first worker's.
  const sweeper =
    !worker || worker.index === 1
      ? startOrphanSweeper(
          createOrphanSweeper(db.prisma, store, { graceMs: config.blobSweep.graceSeconds * 1000 }),
          config.blobSweep.intervalSeconds * 1000,
          (result) => {
            if (result.removedBlobs || result.removedTemporaries) logger.info(result, 'swept orphan attachment blobs');
          },
          (error) => logger.warn({ err: error }, 'attachment blob sweep failed'),
        )
      : { stop: async () => {} };
  const statistics = !worker || worker.index === 1 ? startStatisticsKeeper(db, logger) : { stop: async () => {} };
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
    countCacheSeconds: config.countCacheSeconds,
    // Committed events wake the other instances through Redis when configured, else PostgreSQL.
    events: {
      transport: config.redisUrl
        ? redisTransport(config.redisUrl, logger)
        : config.databaseUrl
          ? postgresTransport(config.databaseUrl, logger)
          : memoryTransport(),
      live: { pollMs: config.events.pollMs, maxPerPerson: config.events.maxSubscriptionsPerPerson },
    },
    webhooks: config.webhooks,
  });
  await app.ready();
  // What a start that fails after this point releases, in the order close() does.
  const release = async () => {
    await sweeper.stop();
    await statistics.stop();
    await app.close();
    await db.close();
  };
  try {
    await app.startWebhooks(config.webhooks);
  } catch (error) {
    await release();
    throw error;
  }
  phase('app');
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
    // A worker reports the cluster's totals, so /metrics counts every request whichever worker answers.
    metrics: worker?.metrics,
    db,
    logger,
  });
  server.listen(config.port, config.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    // The port is taken (or similar).
    await release();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  ownUrl = ownBaseUrl(config.host, port);
  phase('listen');
  logger.info(
    {
      port,
      engine: db.engine,
      graphql: `${config.publicUrl ?? ownUrl}/graphql`,
      // Since the process started (module loading included), and the phases after loading.
      readyMs: Math.round(performance.now()),
      startupMs: phases,
    },
    'helpdesk API listening',
  );
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
        // Live subscriptions end first: their streams would keep the server from closing.
        app.events.live.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await sweeper.stop();
        await statistics.stop();
        await app.close();
        await db.close();
      })();
      return closing;
    },
  };
}
