// The current time as the application reads it, in milliseconds since the epoch. Rules that depend
// on it (part-time agents' monthly allowance, download-token and identification-code expiry, WSSE
// freshness and nonce purging, API keys' last use) and every time the domain writes (tickets'
// updatedAt, revokedAt, deletedAt, blockedAt) take it from the app's options (ctx.now), so tests
// can pin it. The system's time is left to what is not a domain rule: rate-limit windows
// (rate-limiter-flexible reads Date.now() itself and takes no clock), blob file times (compared
// with the file system's), lock and migration-name timestamps, log throttling.
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
