// Where committed events wake things up in this process: the live stream of subscriptions and the
// webhook dispatcher. A commit through this process wakes them at once and tells the other
// instances through the transport; a wake-up from another instance does the same here.
import { onEventsCommitted } from '../domain/events/outbox.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import { createLiveStream, DEFAULT_LIVE_STREAM, type LiveStreamOptions } from './live-stream.ts';
import { memoryTransport, type WakeTransport } from './transports.ts';

export interface EventHubOptions {
  prisma: PrismaClient;
  logger: Logger;
  transport?: WakeTransport;
  live?: Partial<LiveStreamOptions>;
}

export function createEventHub({ prisma, logger, transport = memoryTransport(), live = {} }: EventHubOptions) {
  const listeners = new Set<() => void>();
  const wake = () => {
    for (const listener of listeners) listener();
  };
  const stream = createLiveStream(prisma, logger, { ...DEFAULT_LIVE_STREAM, ...live });
  listeners.add(() => void stream.wake());
  transport.listen(wake);
  const stopListening = onEventsCommitted(prisma, () => {
    wake();
    transport.publish();
  });
  return {
    transport: transport.kind,
    live: stream,
    /** Calls `listener` on every wake-up; returns the function that stops it. */
    onWake(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    /** Ends live subscriptions and stops listening. */
    async close() {
      stopListening();
      stream.close();
      listeners.clear();
      await transport.close();
    },
  };
}

export type EventHub = ReturnType<typeof createEventHub>;
