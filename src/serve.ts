// The server process: configuration, start, and signals around it (main.ts loads this). With
// HELPDESK_WORKERS above 1 (PostgreSQL) this process is a cluster's primary (src/cluster.ts).
import cluster from 'node:cluster';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/data-dir-lock.ts';
import { configuredDatabase, openDatabase } from './db/database.ts';
import { createLogger } from './logger.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
try {
  if (cluster.isPrimary && config.workers > 1) {
    // Workers serve; this process prepares the database, starts them and relays between them.
    const { runPrimary } = await import('./cluster.ts');
    await runPrimary(config, logger);
  } else {
    await serve();
  }
} catch (error) {
  // Refusals that name their cause and remedy are logged as just that; anything else with its stack.
  if (error instanceof DataDirLockedError || (error as Error).name === 'BootstrapError') {
    logger.fatal({ holder: (error as DataDirLockedError).holder }, `could not start: ${(error as Error).message}`);
  } else {
    logger.fatal({ err: error }, 'could not start');
  }
  process.exit(1);
}

async function serve() {
  // The embedded database starts (its WebAssembly compiles in the background) while the GraphQL
  // schema and the rest load: a restart is ready sooner. The wait for it is in startHelpdesk.
  const opening = openDatabase(configuredDatabase(config));
  opening.catch(() => {}); // reported where startHelpdesk awaits it
  const { startHelpdesk } = await import('./start.ts');
  const { clusterWorker } = await import('./cluster.ts');
  const app = await startHelpdesk(config, logger, opening, clusterWorker());
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('in-flight requests did not finish within 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    app.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // A worker whose primary is gone (killed, even with -9) stops too, instead of serving on alone.
  if (cluster.isWorker) process.once('disconnect', () => stop('primary gone'));
}
