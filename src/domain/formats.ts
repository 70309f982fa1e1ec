// Formats several layers check alike (configuration, domain validation): one definition each,
// so the server never refuses at start what the API accepts, or the other way round.

/** An address with one @ and a dot in its domain; deliverability is the mail server's business. */
export const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
