// GET /desk/attachments/download/{file|thumbnail}/{sha256}: DiamanteDesk's download paths, which
// it served to anyone. Here they need the permission of the ticket the file belongs to, shown by
// credentials (the same gate as GraphQL) or by a signed, expiring `?token=`.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { AuthenticationError, canAuthenticate } from '../auth/authenticate.ts';
import { type DownloadKind, readDownloadToken } from '../auth/download-token.ts';
import type { SecretBox } from '../auth/secret-box.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { Viewer } from '../context.ts';
import type { PersonRef } from '../domain/people.ts';
import { attachmentVisibility } from '../domain/permissions.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { AUTHENTICATION_REQUIRED, type Gate, unauthorized } from './gate.ts';
import { headersOf, sendJson } from './node-io.ts';

export const DOWNLOAD_PATH = /^\/desk\/attachments\/download\/(file|thumbnail)\/([^/]+)$/;

export interface DownloadDeps {
  prisma: PrismaClient;
  store: BlobStore;
  gate: Gate;
  box: SecretBox;
  now?: Clock;
}

const fail = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { error: message }, headers);

/** RFC 6266 / 5987: an ASCII fallback plus the exact UTF-8 name. */
function contentDisposition(filename: string) {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; null for none or several; 'invalid' when unsatisfiable. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

async function isActive(prisma: PrismaClient, { kind, id }: PersonRef) {
  const person =
    kind === 'agent'
      ? await prisma.agent.findUnique({ where: { id }, select: { state: true } })
      : await prisma.customer.findUnique({ where: { id }, select: { state: true, blocked: true } });
  return canAuthenticate(person);
}

export function createDownloadHandler({ prisma, store, gate, box, now = systemClock }: DownloadDeps) {
  return async function download(req: IncomingMessage, res: ServerResponse, kind: DownloadKind, sha256: string) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'Use GET.', { Allow: 'GET, HEAD' });
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = url.searchParams.get('token');
    // A signed token stands in for credentials, and passes the same gate: failed tokens count
    // against the address, and each download spends from the budget of the token's person.
    const fromToken = token
      ? async (): Promise<Viewer> => {
          const checked = readDownloadToken(box, token, kind, sha256, now());
          if (!checked.ok) throw new AuthenticationError(checked.reason);
          if (!(await isActive(prisma, checked.viewer))) throw new AuthenticationError('Invalid download token.');
          return checked.viewer;
        }
      : undefined;
    const result = await gate(
      new Request(`http://localhost${req.url}`, { headers: headersOf(req) }),
      req.socket.remoteAddress,
      fromToken,
    );
    if ('refused' in result) return fail(res, result.refused.status, result.refused.message, result.refused.headers);
    if (!result.viewer) {
      const refused = unauthorized(AUTHENTICATION_REQUIRED, result.headers);
      return fail(res, refused.status, refused.message, refused.headers);
    }
    const viewer = result.viewer;

    // Not visible and not there look the same: 404. Attachments with the same bytes share the
    // hash; `?attachment=` (put in every link) picks the one whose filename the download carries.
    const find = (id?: number) =>
      prisma.attachment.findFirst({
        where: {
          sha256,
          ...(id === undefined ? {} : { id }),
          ...(kind === 'thumbnail' ? { hasThumbnail: true } : {}),
          AND: [attachmentVisibility(viewer)],
        },
        select: { filename: true, contentType: true },
        orderBy: { id: 'asc' },
      });
    const named = url.searchParams.get('attachment');
    const attachment = /^[0-9a-f]{64}$/.test(sha256)
      ? ((/^\d{1,10}$/.test(named ?? '') ? await find(Number(named)) : null) ?? (await find()))
      : null;
    const size = attachment ? await store.size(kind, sha256) : null;
    if (!attachment || size === null) return fail(res, 404, 'File not found.');

    const etag = `"${sha256}${kind === 'thumbnail' ? '-thumbnail' : ''}"`;
    const common: Record<string, string> = {
      ...result.headers,
      ETag: etag,
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Accept-Ranges': 'bytes',
      'Content-Type': kind === 'thumbnail' ? 'image/png' : attachment.contentType,
      'Content-Disposition': contentDisposition(
        kind === 'thumbnail' ? `${attachment.filename}.png` : attachment.filename,
      ),
    };
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch?.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': common['Cache-Control']! });
      return res.end();
    }
    const range = parseRange(req.headers.range, size);
    if (range === 'invalid') return fail(res, 416, 'Range not satisfiable.', { 'Content-Range': `bytes */${size}` });
    if (range) {
      res.writeHead(206, {
        ...common,
        'Content-Length': String(range.end - range.start + 1),
        'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
      });
    } else {
      res.writeHead(200, { ...common, 'Content-Length': String(size) });
    }
    if (req.method === 'HEAD') return res.end();
    await pipeline(store.open(kind, sha256, range ?? undefined), res);
  };
}
