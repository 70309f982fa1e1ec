// Live subscriptions' source: this instance reads the event log after its cursor whenever it is
// woken (a commit here, a wake-up from another instance, or the poll that covers lost wake-ups)
// and hands each event, in log order, to every subscriber on this instance. It reads only while
// someone listens, so an instance without subscribers costs nothing.
import { GraphQLError } from 'graphql';
import { eventsAfter, lastEventId } from '../domain/events/read.ts';
import type { EventRow } from '../domain/events/types.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';

const BATCH = 500;

export interface LiveStreamOptions {
  /** How often to read the log without a wake-up, while someone listens. */
  pollMs: number;
  /** Subscriptions one person may hold on this instance. */
  maxPerPerson: number;
  /** Events queued for one subscriber before it is cut off as too slow. */
  maxBacklog: number;
}

export const DEFAULT_LIVE_STREAM: LiveStreamOptions = { pollMs: 1000, maxPerPerson: 20, maxBacklog: 1000 };

interface Subscriber {
  owner: string;
  push(event: EventRow): void;
  end(error?: Error): void;
}

export interface LiveEvents {
  /**
   * The events committed from now on, in log order, for `owner` (one person: their
   * subscriptions are counted). Ends with an error when the subscriber falls too far behind.
   */
  subscribe(owner: string): Promise<AsyncIterableIterator<EventRow>>;
}

export function createLiveStream(prisma: PrismaClient, logger: Logger, options: LiveStreamOptions) {
  const subscribers = new Set<Subscriber>();
  let cursor: bigint | null = null;
  let reading = false;
  let again = false;

  const drain = async () => {
    cursor ??= await lastEventId(prisma);
    for (;;) {
      const rows = await eventsAfter(prisma, cursor, BATCH);
      for (const row of rows) {
        cursor = row.id;
        for (const subscriber of subscribers) subscriber.push(row);
      }
      if (rows.length < BATCH) return;
    }
  };

  /** Reads what was committed since the last read; one read at a time, another if woken meanwhile. */
  const wake = async () => {
    if (subscribers.size === 0) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        await drain();
      } while (again && subscribers.size > 0);
    } catch (error) {
      logger.warn({ err: error }, 'reading the event log for live subscriptions failed; retrying at the next poll');
    } finally {
      reading = false;
    }
  };
  const poll = setInterval(() => void wake(), options.pollMs);
  poll.unref();

  const subscribe = async (owner: string): Promise<AsyncIterableIterator<EventRow>> => {
    const held = [...subscribers].filter((s) => s.owner === owner).length;
    if (held >= options.maxPerPerson) {
      throw new GraphQLError(
        `You already hold ${held} live subscriptions on this server, the most one person may; close one first.`,
        { extensions: { code: 'LIMIT_REACHED' } },
      );
    }
    // Where this subscriber starts: after everything committed before it subscribed.
    if (subscribers.size === 0 && !reading) cursor = await lastEventId(prisma);
    const queue: EventRow[] = [];
    let waiting: ((result: IteratorResult<EventRow>) => void) | null = null;
    let failWaiting: ((error: Error) => void) | null = null;
    let finished = false;
    let failure: Error | undefined;
    const subscriber: Subscriber = {
      owner,
      push(event) {
        if (finished) return;
        if (waiting) {
          const resolve = waiting;
          waiting = failWaiting = null;
          resolve({ value: event, done: false });
        } else if (queue.length >= options.maxBacklog) {
          subscriber.end(
            new GraphQLError(
              'This subscription fell too far behind and was ended; subscribe again and catch up with the `events` feed.',
              { extensions: { code: 'SUBSCRIPTION_OVERFLOW' } },
            ),
          );
        } else queue.push(event);
      },
      end(error) {
        if (finished) return;
        finished = true;
        failure = error;
        queue.length = 0;
        subscribers.delete(subscriber);
        if (subscribers.size === 0 && !reading) cursor = null;
        if (error && failWaiting) failWaiting(error);
        else waiting?.({ value: undefined, done: true });
        waiting = failWaiting = null;
      },
    };
    subscribers.add(subscriber);
    const iterator: AsyncIterableIterator<EventRow> = {
      next() {
        const event = queue.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (finished) {
          const error = failure;
          failure = undefined;
          return error ? Promise.reject(error) : Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => {
          waiting = resolve;
          failWaiting = reject;
        });
      },
      return() {
        subscriber.end();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw(error) {
        subscriber.end();
        return Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  };

  return {
    subscribe,
    wake,
    /** Subscriptions open on this instance. */
    get size() {
      return subscribers.size;
    },
    /** Ends every subscription (the server is stopping). */
    close() {
      clearInterval(poll);
      for (const subscriber of [...subscribers]) subscriber.end();
    },
  };
}

export type LiveStream = ReturnType<typeof createLiveStream>;
