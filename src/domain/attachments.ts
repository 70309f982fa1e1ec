// Files on tickets and comments: checked, typed from their bytes, stored once per content,
// thumbnailed when they are images, and removed from storage when nothing refers to them.

import { createHash } from 'node:crypto';
import { decode as decodeBmp } from 'bmp-ts';
import { fileTypeFromBuffer } from 'file-type';
import type { Clock } from '../clock.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { touchTicket } from './activity.ts';
import { DomainError, Problems } from './errors.ts';
import { withEvents } from './events/outbox.ts';
import { attachmentEvent, filesAdded } from './events/ticket-events.ts';
import type { PersonRef } from './people.ts';

export interface AttachmentLimits {
  maxFileSize: number;
  maxFiles: number;
}

export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxFileSize: 10 * 1024 * 1024, maxFiles: 20 };

export interface IncomingFile {
  filename: string;
  bytes: Buffer;
}

export type AttachmentTarget = { ticketId: number } | { commentId: number };

const THUMBNAIL_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp']);
export const THUMBNAIL_BOX = 100;
const FILENAME_MAX = 200;

/** No path, no control characters, no leading dots, bounded length; never empty. */
export function sanitizeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  let clean = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (clean.length > FILENAME_MAX) {
    const dot = clean.lastIndexOf('.');
    const extension = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
    clean = clean.slice(0, FILENAME_MAX - extension.length) + extension;
  }
  return clean || 'file';
}

/** The content type from magic numbers; the client's claim is never used. */
export async function detectContentType(bytes: Buffer): Promise<string> {
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) return detected.mime;
  // No signature: call it text when it decodes as UTF-8 without NULs, else opaque bytes.
  const sample = bytes.subarray(0, 8192);
  if (!sample.includes(0) && new TextDecoder('utf-8', { fatal: false }).decode(sample).indexOf('\uFFFD') === -1) {
    return 'text/plain';
  }
  return 'application/octet-stream';
}

/** sharp's prebuilt libvips reads no BMP; bmp-ts decodes it to raw RGBA that sharp can take. */
async function sharpInput(bytes: Buffer, contentType: string) {
  // Loaded with the first image, not at start: loading sharp was a tenth of a restart's work.
  const { default: sharp } = await import('sharp');
  if (contentType !== 'image/bmp') return sharp(bytes, { animated: false });
  const bmp = decodeBmp(bytes, { toRGBA: true });
  return sharp(Buffer.from(bmp.data), { raw: { width: bmp.width, height: bmp.height, channels: 4 } });
}

export async function makeThumbnail(bytes: Buffer, contentType = ''): Promise<Buffer | null> {
  try {
    return await (await sharpInput(bytes, contentType))
      .resize(THUMBNAIL_BOX, THUMBNAIL_BOX, { fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer();
  } catch {
    return null; // A broken image still uploads; it just has no preview.
  }
}

/** Checks every file before anything is written: a refused request leaves no trace. */
export function checkFiles(files: IncomingFile[], limits: AttachmentLimits, field: string[]) {
  const problems = new Problems();
  if (files.length === 0) problems.add('REQUIRED', 'Give at least one file.', field);
  if (files.length > limits.maxFiles) {
    problems.add('INVALID', `At most ${limits.maxFiles} files per request (got ${files.length}).`, field);
  }
  files.forEach((file, index) => {
    if (file.bytes.length > limits.maxFileSize) {
      problems.add('TOO_LONG', `${sanitizeFilename(file.filename)} is larger than ${limits.maxFileSize} bytes.`, [
        ...field,
        String(index),
      ]);
    }
  });
  problems.throwIfAny();
}

/** Decodes DiamanteDesk's `attachmentsInput: [{filename, content(base64)}]`. */
export function decodeBase64Files(items: { filename: string; content: string }[], field: string[]): IncomingFile[] {
  const problems = new Problems();
  const files = items.map((item, index) => {
    const content = item.content.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content) || content.length % 4 === 1) {
      problems.add('INVALID', 'content must be base64.', [...field, String(index), 'content']);
    }
    return { filename: item.filename, bytes: Buffer.from(content, 'base64') };
  });
  problems.throwIfAny();
  return files;
}

/** A file whose blob is written, ready for its Attachment row. */
export interface StoredFile {
  filename: string;
  contentType: string;
  byteSize: number;
  sha256: string;
  hasThumbnail: boolean;
}

/**
 * Types, hashes and thumbnails the files and writes their blobs, before any row refers to them:
 * a crash after this leaves only unreferenced blobs, which the sweeper (sweepOrphans) removes
 * after the grace period, never rows without their files.
 */
export async function writeBlobs(store: BlobStore, files: IncomingFile[]): Promise<StoredFile[]> {
  const prepared = await Promise.all(
    files.map(async (file) => {
      const sha256 = createHash('sha256').update(file.bytes).digest('hex');
      const contentType = await detectContentType(file.bytes);
      const thumbnail = THUMBNAIL_TYPES.has(contentType) ? await makeThumbnail(file.bytes, contentType) : null;
      return { file, sha256, contentType, thumbnail };
    }),
  );
  for (const { file, sha256, thumbnail } of prepared) {
    await store.put('file', sha256, file.bytes);
    if (thumbnail) await store.put('thumbnail', sha256, thumbnail);
  }
  return prepared.map(({ file, sha256, contentType, thumbnail }) => ({
    filename: sanitizeFilename(file.filename),
    contentType,
    byteSize: file.bytes.length,
    sha256,
    hasThumbnail: thumbnail !== null,
  }));
}

/** The Attachment rows of written blobs, inside the caller's transaction, in the order given. */
export async function createAttachmentRows(
  tx: Prisma.TransactionClient,
  target: AttachmentTarget,
  stored: StoredFile[],
) {
  const rows: { id: number }[] = [];
  for (const file of stored)
    rows.push(await tx.attachment.create({ data: { ...target, ...file }, select: { id: true } }));
  return rows;
}

/** Attaches files to an existing ticket or comment: blobs first, then the rows in one transaction. */
export async function storeAttachments(
  prisma: PrismaClient,
  store: BlobStore,
  target: AttachmentTarget,
  files: IncomingFile[],
  now: Clock,
  actor: PersonRef | null = null,
) {
  const stored = await writeBlobs(store, files);
  // If the transaction fails, the blobs are left to the sweeper: deleting them here could pull a
  // blob from under a concurrent upload of the same bytes that has not committed its row yet.
  return withEvents(prisma, async (tx, log) => {
    const rows = await createAttachmentRows(tx, target, stored);
    const at = new Date(now());
    const touched = await touchTicketFor(tx, target, at);
    const commentId = 'commentId' in target ? target.commentId : null;
    if (touched) log.add(...filesAdded(rows, stored, touched.ticket, touched.private, actor, at, commentId));
    return rows;
  });
}

/**
 * Files are activity on their ticket; customers see it unless the files are on a private note.
 * Returns the ticket and whether the files are private, for their events.
 */
async function touchTicketFor(tx: Prisma.TransactionClient, target: AttachmentTarget, now: Date) {
  if ('ticketId' in target) return { ticket: await touchTicket(tx, target.ticketId, true, now), private: false };
  const comment = await tx.comment.findUnique({
    where: { id: target.commentId },
    select: { ticketId: true, private: true },
  });
  if (!comment) return null;
  return { ticket: await touchTicket(tx, comment.ticketId, !comment.private, now), private: comment.private };
}

/** Removes the blobs of these hashes that no attachment refers to any more. */
export async function collectGarbage(prisma: PrismaClient, store: BlobStore, hashes: string[]) {
  for (const sha256 of new Set(hashes)) {
    if ((await prisma.attachment.count({ where: { sha256 } })) > 0) continue;
    await store.delete('file', sha256);
    await store.delete('thumbnail', sha256);
  }
}

export async function removeAttachment(
  prisma: PrismaClient,
  store: BlobStore,
  id: number,
  now: Clock,
  actor: PersonRef | null = null,
) {
  const attachment = await prisma.attachment.findUnique({ where: { id }, select: { sha256: true } });
  if (!attachment) throw DomainError.of('NOT_FOUND', 'Attachment not found.', ['id']);
  await withEvents(prisma, async (tx, log) => {
    const removed = await tx.attachment.delete({
      where: { id },
      select: { id: true, ticketId: true, commentId: true, filename: true, contentType: true, byteSize: true },
    });
    const at = new Date(now());
    const touched =
      removed.ticketId !== null
        ? await touchTicketFor(tx, { ticketId: removed.ticketId }, at)
        : removed.commentId !== null
          ? await touchTicketFor(tx, { commentId: removed.commentId }, at)
          : null;
    if (touched) log.add(attachmentEvent('attachment.removed', removed, touched.ticket, touched.private, actor, at));
  });
  await collectGarbage(prisma, store, [attachment.sha256]);
  return id;
}

/** Hashes of the files under a ticket (its own and its comments'), for cleanup after deletion. */
export async function hashesUnder(prisma: PrismaClient, where: { ticketId: number } | { commentId: number }) {
  const rows = await prisma.attachment.findMany({
    where:
      'ticketId' in where ? { OR: [{ ticketId: where.ticketId }, { comment: { ticketId: where.ticketId } }] } : where,
    select: { sha256: true },
  });
  return rows.map((r) => r.sha256);
}
