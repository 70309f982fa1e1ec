import type { IncomingMessage } from 'node:http';

/** A Node request's headers as Fetch `Headers`, for code shared with the Fetch-based GraphQL side. */
export function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}
