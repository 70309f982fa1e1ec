// Signed, expiring download links: `?token=` lets a browser open an attachment without sending
// credentials. The token names the person it was issued to, and the download still checks that
// this person may see the file now, so a leaked token is worth no more than its owner's access.
import { timingSafeEqual } from 'node:crypto';
import type { Viewer } from '../context.ts';
import type { SecretBox } from './secret-box.ts';

export type DownloadKind = 'file' | 'thumbnail';

const payload = (kind: DownloadKind, sha256: string, expires: number, who: string) =>
  `${kind}|${sha256}|${expires}|${who}`;
const whoOf = (viewer: Viewer) => `${viewer.kind}:${viewer.id}`;

export function issueDownloadToken(
  box: SecretBox,
  viewer: Viewer,
  kind: DownloadKind,
  sha256: string,
  expires: number,
) {
  const who = whoOf(viewer);
  return `${expires}.${who}.${box.sign(payload(kind, sha256, expires, who))}`;
}

export type TokenCheck = { ok: true; viewer: Viewer } | { ok: false; reason: string };

/** The person the token was issued to, if it is genuine and unexpired. */
export function readDownloadToken(
  box: SecretBox,
  token: string,
  kind: DownloadKind,
  sha256: string,
  now: number,
): TokenCheck {
  const match = /^(\d{1,13})\.(agent|customer):(\d{1,10})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'Malformed download token.' };
  const [, expiresText, kind_, idText, signature] = match;
  const expires = Number(expiresText);
  const expected = Buffer.from(box.sign(payload(kind, sha256, expires, `${kind_}:${idText}`)));
  const given = Buffer.from(signature!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'Invalid download token.' };
  if (expires * 1000 < now) return { ok: false, reason: 'Download token expired.' };
  // Role is not in the token: permissions are re-read from the database at download time.
  return {
    ok: true,
    viewer:
      kind_ === 'agent'
        ? { kind: 'agent', id: Number(idText), role: 'AGENT' }
        : { kind: 'customer', id: Number(idText) },
  };
}
