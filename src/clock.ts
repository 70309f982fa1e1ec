// The current time as the application reads it, in milliseconds since the epoch. Rules that depend
// on it (part-time agents' monthly allowance, download-token and identification-code expiry, WSSE
// freshness and nonce purging, API keys' last use) take it from the app's options, so tests can
// pin it; everywhere else it is the system's.
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
