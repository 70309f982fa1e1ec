// Where attachment bytes live. Content-addressed by SHA-256, so identical files are stored once
// and paths never derive from user input. This interface is the seam for an S3-compatible
// backend (several server instances need shared storage); the filesystem store below serves one
// machine.

import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, opendir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ifMissing } from './if-missing.ts';

export type BlobKind = 'file' | 'thumbnail';

export interface BlobEntry {
  sha256: string;
  /** Last write, or last `put` of the same bytes: the start of an orphan's grace period. */
  modifiedAt: Date;
}

export interface BlobStore {
  /** Stores bytes under their hash unless already there; either way the blob counts as just written. */
  put(kind: BlobKind, sha256: string, bytes: Uint8Array): Promise<void>;
  /** Size in bytes, or null when absent. */
  size(kind: BlobKind, sha256: string): Promise<number | null>;
  /** Streams a blob or an inclusive byte range of it. */
  open(kind: BlobKind, sha256: string, range?: { start: number; end: number }): Readable;
  delete(kind: BlobKind, sha256: string): Promise<void>;
  /** Every blob of a kind in hash order, starting after `after` when given. */
  list(kind: BlobKind, after?: string): AsyncIterable<BlobEntry>;
  /**
   * Deletes a blob unless it was written (or `put` again) at or after `before`: the sweeper's
   * delete, which spares a blob an upload has just reused. True when it was deleted.
   */
  deleteIfOlder(kind: BlobKind, sha256: string, before: Date): Promise<boolean>;
  /** Removes at most `limit` temporary files of interrupted writes older than `before`; returns how many. */
  removeTemporaries(before: Date, limit: number): Promise<number>;
}

const HASH = /^[0-9a-f]{64}$/;
const PREFIX = /^[0-9a-f]{2}$/;
const TEMPORARY = /^[0-9a-f]{64}\.[0-9a-f-]{36}\.tmp$/;
const DIRS: Record<BlobKind, string> = { file: 'files', thumbnail: 'thumbnails' };

export function filesystemBlobStore(root: string): BlobStore {
  const pathOf = (kind: BlobKind, sha256: string) => {
    // The hash is the only input that reaches the path; anything else is refused outright.
    if (!HASH.test(sha256)) throw new Error('Invalid blob hash');
    return path.join(root, DIRS[kind], sha256.slice(0, 2), sha256);
  };
  const sortedNames = async (dir: string, pattern: RegExp) =>
    (await readdir(dir).catch(ifMissing([] as string[]))).filter((name) => pattern.test(name)).sort();
  return {
    async put(kind, sha256, bytes) {
      const target = pathOf(kind, sha256);
      if ((await stat(target).catch(ifMissing(null)))?.isFile()) {
        // Refresh its time so that the orphan sweeper gives this upload its full grace period.
        // Swept meanwhile: written again below.
        const now = new Date();
        if (await utimes(target, now, now).then(() => true, ifMissing(false))) return;
      }
      await mkdir(path.dirname(target), { recursive: true });
      // Write beside, then rename: a reader never sees half a file.
      const temporary = `${target}.${randomUUID()}.tmp`;
      try {
        await writeFile(temporary, bytes, { mode: 0o600 });
        await rename(temporary, target);
      } catch (error) {
        // The write's error is the one to report; a leftover temporary is swept later.
        await rm(temporary, { force: true }).catch(() => undefined);
        throw error;
      }
    },
    async size(kind, sha256) {
      const info = await stat(pathOf(kind, sha256)).catch(ifMissing(null));
      return info?.isFile() ? info.size : null;
    },
    open(kind, sha256, range) {
      return createReadStream(pathOf(kind, sha256), range ? { start: range.start, end: range.end } : {});
    },
    async delete(kind, sha256) {
      await rm(pathOf(kind, sha256), { force: true });
    },
    async *list(kind, after) {
      const base = path.join(root, DIRS[kind]);
      for (const prefix of await sortedNames(base, PREFIX)) {
        if (after && prefix < after.slice(0, 2)) continue;
        for (const name of await sortedNames(path.join(base, prefix), HASH)) {
          if (after && name <= after) continue;
          const info = await stat(path.join(base, prefix, name)).catch(ifMissing(null));
          if (info?.isFile()) yield { sha256: name, modifiedAt: info.mtime };
        }
      }
    },
    async deleteIfOlder(kind, sha256, before) {
      const target = pathOf(kind, sha256);
      const info = await stat(target).catch(ifMissing(null));
      if (!info?.isFile() || info.mtime >= before) return false;
      await rm(target, { force: true });
      return true;
    },
    async removeTemporaries(before, limit) {
      let removed = 0;
      for (const kind of Object.values(DIRS)) {
        const base = path.join(root, kind);
        for (const prefix of await sortedNames(base, PREFIX)) {
          const dir = await opendir(path.join(base, prefix)).catch(ifMissing(null));
          if (!dir) continue;
          for await (const entry of dir) {
            if (removed >= limit) break;
            if (!entry.isFile() || !TEMPORARY.test(entry.name)) continue;
            const file = path.join(base, prefix, entry.name);
            const info = await stat(file).catch(ifMissing(null));
            if (info && info.mtime < before) {
              await rm(file, { force: true });
              removed += 1;
            }
          }
          if (removed >= limit) return removed;
        }
      }
      return removed;
    },
  };
}
