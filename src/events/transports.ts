// How an instance tells the others "events were committed, read the log": PostgreSQL
// LISTEN/NOTIFY when DATABASE_URL is set (no extra component), Redis pub/sub when REDIS_URL is set
// (@graphql-yoga/redis-event-target), nothing beyond this process on the embedded database. Only a
// wake-up travels: every instance reads the events themselves from the log, after its own cursor,
// so a wake-up lost in transit delays events (until the next poll) but never loses them.
import { createRequire } from 'node:module';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from '../logger.ts';

export const WAKE_CHANNEL = 'helpdesk_events';

export interface WakeTransport {
  readonly kind: 'memory' | 'postgres' | 'redis';
  /** Tells the other instances; coalesced, never throws. */
  publish(): void;
  /** Calls `onWake` whenever another instance published (Redis may also echo this one's: harmless). */
  listen(onWake: () => void): void;
  close(): Promise<void>;
}

/** One process: the local wake-up is all there is. */
export function memoryTransport(): WakeTransport {
  return { kind: 'memory', publish() {}, listen() {}, close: async () => {} };
}

const RECONNECT_MS = 1000;

/** A dedicated connection that LISTENs (and NOTIFYs), reconnecting after failures. */
export function postgresTransport(url: string, logger: Logger): WakeTransport {
  let client: pg.Client | null = null;
  let closed = false;
  let onWake: () => void = () => {};
  let sending = false;
  let again = false;
  const connect = async () => {
    const next = new pg.Client({ connectionString: url, application_name: 'helpdesk-events' });
    // PostgreSQL hands a session its own NOTIFYs too; this instance already woke its readers.
    next.on('notification', (message) => {
      // pg sets `processID` (the backend's pid) on connect; its types leave it out.
      if (message.processId !== (next as pg.Client & { processID?: number }).processID) onWake();
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'event wake-up connection failed; reconnecting');
      if (client === next) client = null;
      next.end().catch(() => {});
      if (!closed) setTimeout(() => void connect().catch(() => {}), RECONNECT_MS).unref();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${WAKE_CHANNEL}`);
    } catch (error) {
      next.end().catch(() => {});
      if (!closed) setTimeout(() => void connect().catch(() => {}), RECONNECT_MS).unref();
      throw error;
    }
    if (closed) return void next.end().catch(() => {});
    client = next;
    // Whatever was committed while we were not listening: readers check the log now.
    onWake();
  };
  const ready = connect().catch((error: unknown) => logger.warn({ err: error }, 'event wake-up connection failed'));
  const send = async () => {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    try {
      do {
        again = false;
        await client?.query(`NOTIFY ${WAKE_CHANNEL}`);
      } while (again);
    } catch (error) {
      logger.warn({ err: error }, 'could not publish an event wake-up');
    } finally {
      sending = false;
    }
  };
  return {
    kind: 'postgres',
    publish: () => void send(),
    listen(listener) {
      onWake = listener;
    },
    async close() {
      closed = true;
      await ready;
      await client?.end().catch(() => {});
      client = null;
    },
  };
}

/** Redis pub/sub through yoga's Redis event target: one connection publishes, one subscribes. */
export function redisTransport(url: string, logger: Logger): WakeTransport {
  const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  const connect = (): Redis => {
    const client = new RedisClient(url, { maxRetriesPerRequest: 1 });
    client.on('error', (error) => logger.warn({ err: error }, 'event wake-up Redis connection failed'));
    return client;
  };
  const publishClient = connect();
  const subscribeClient = connect();
  // The event target does not wait for publish and subscribe: their failures (Redis down) are
  // logged here instead of surfacing as unhandled rejections that would stop the process.
  const failed = (error: unknown) => logger.warn({ err: error }, 'event wake-up through Redis failed');
  const target = createRedisEventTarget({
    publishClient: {
      publish: (channel: string, message: string) => publishClient.publish(channel, message).catch(failed),
    } as unknown as Redis,
    subscribeClient: {
      on: (name: string, listener: (...args: unknown[]) => void) => subscribeClient.on(name, listener),
      subscribe: (channel: string) => subscribeClient.subscribe(channel).catch(failed),
      unsubscribe: (channel: string) => subscribeClient.unsubscribe(channel).catch(failed),
    } as unknown as Redis,
  });
  return {
    kind: 'redis',
    publish() {
      try {
        target.dispatchEvent(new CustomEvent(WAKE_CHANNEL, { detail: {} }));
      } catch (error) {
        logger.warn({ err: error }, 'could not publish an event wake-up');
      }
    },
    listen(onWake) {
      target.addEventListener(WAKE_CHANNEL, () => onWake());
      // Whatever was committed before we subscribed: readers check the log now.
      subscribeClient.on('ready', () => onWake());
    },
    async close() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
