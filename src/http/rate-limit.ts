// Per-credential request budget (per API key; per client address for anonymous requests), with
// the IETF RateLimit-* headers on every answer and 429 + Retry-After when spent.
// The budget lives in this process: behind N instances a caller gets up to N times the limit.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimitOptions {
  /** Requests per window; 0 turns limiting off. */
  points: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export function createRateLimiter({ points, windowSeconds }: RateLimitOptions) {
  if (points <= 0) return null;
  const limiter = new RateLimiterMemory({ points, duration: windowSeconds });
  const headersFor = (res: RateLimiterRes) => {
    const reset = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return {
      'RateLimit-Limit': String(points),
      'RateLimit-Remaining': String(Math.max(0, res.remainingPoints)),
      'RateLimit-Reset': String(reset),
      'RateLimit-Policy': `${points};w=${windowSeconds}`,
    };
  };
  return async function consume(key: string): Promise<RateDecision> {
    try {
      return { allowed: true, headers: headersFor(await limiter.consume(key)) };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const headers = headersFor(rejection);
      return { allowed: false, headers: { ...headers, 'Retry-After': headers['RateLimit-Reset'] } };
    }
  };
}

export type RateLimiter = NonNullable<ReturnType<typeof createRateLimiter>>;
