// Request bodies capped while they stream, so an oversized upload is never buffered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';

/** How long a connection whose body was cut off at its cap is drained before it is closed. */
const LINGER_MS = 1000;

/**
 * Caps a request body while it streams: a declared Content-Length over the cap is refused before
 * reading, and a chunked body is cut off (413) the moment it passes the cap, so a 1 GiB upload is
 * never buffered. Returns the request to hand on, or null when it has been answered.
 */
export function capBody(
  req: IncomingMessage,
  res: ServerResponse,
  maxBytes: number,
  tooLarge: () => void,
): IncomingMessage | null {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    tooLarge();
    req.resume(); // drain politely; the connection closes after the answer
    return null;
  }
  if (req.method === 'GET' || req.method === 'HEAD') return req;
  let seen = 0;
  const counted = new PassThrough();
  // A reader of the body gets the cut-off as its read error. Without a reader (a 401 answered
  // before the body was read) the error would be unhandled and take the process down.
  counted.on('error', () => {});
  let cut = false;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes && !cut) {
      cut = true;
      req.unpipe(counted);
      counted.destroy(new Error('body too large'));
      // Discard what keeps coming for a moment before closing: closing with unread data sends a
      // TCP reset, and the reset can wipe the 413 from the client's buffer before it reads it.
      const linger = () => setTimeout(() => req.destroy(), LINGER_MS).unref();
      req.resume();
      if (res.headersSent) linger();
      else {
        res.once('finish', linger);
        tooLarge();
      }
    }
  });
  req.pipe(counted);
  // The consumer reads the counted stream but sees the original request's metadata.
  return Object.assign(counted, {
    headers: req.headers,
    method: req.method,
    url: req.url,
    socket: req.socket,
    httpVersion: req.httpVersion,
    rawHeaders: req.rawHeaders,
    aborted: false,
    complete: false,
  }) as unknown as IncomingMessage;
}

export const isMultipart = (req: IncomingMessage) => /^\s*multipart\//i.test(req.headers['content-type'] ?? '');
