// Everything a request needs, assembled once: used by the server (start.ts) and by tests,
// which call `yoga.fetch` without a socket.
import { createAuthenticator } from './auth/authenticate.ts';
import type { SecretBox } from './auth/secret-box.ts';
import { DEFAULT_LIMITS } from './config.ts';
import type { Database } from './db/database.ts';
import { createGate } from './http/gate.ts';
import type { CostLimits } from './http/operation-cost.ts';
import { createRateLimiter } from './http/rate-limit.ts';
import type { Logger } from './logger.ts';
import { createHelpdeskYoga } from './yoga.ts';

export interface AppOptions {
  db: Database;
  box: SecretBox;
  logger: Logger;
  /** Requests per minute per credential; 0 or absent: no limit. */
  rateLimitPerMinute?: number;
  limits?: CostLimits;
  now?: () => number;
}

export function createApp({ db, box, logger, rateLimitPerMinute = 0, limits = DEFAULT_LIMITS, now }: AppOptions) {
  const authenticate = createAuthenticator({ prisma: db.prisma, box, now });
  const gate = createGate(authenticate, createRateLimiter({ points: rateLimitPerMinute, windowSeconds: 60 }));
  const yoga = createHelpdeskYoga({ db, box, gate, logger, limits });
  return { db, box, gate, yoga };
}

export type App = ReturnType<typeof createApp>;
