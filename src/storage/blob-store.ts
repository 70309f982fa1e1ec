// Where attachment bytes live. Content-addressed by SHA-256, so identical files are stored once
// and paths never derive from user input. This interface is the seam for an S3-compatible
// backend (several server instances need shared storage); the filesystem store below serves one
// machine.
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';

export type BlobKind = 'file' | 'thumbnail';

export interface BlobStore {
  /** Stores bytes under their hash unless already there. */
  put(kind: BlobKind, sha256: string, bytes: Uint8Array): Promise<void>;
  /** Size in bytes, or null when absent. */
  size(kind: BlobKind, sha256: string): Promise<number | null>;
  /** Streams a blob or an inclusive byte range of it. */
  open(kind: BlobKind, sha256: string, range?: { start: number; end: number }): Readable;
  delete(kind: BlobKind, sha256: string): Promise<void>;
}

const HASH = /^[0-9a-f]{64}$/;

export function filesystemBlobStore(root: string): BlobStore {
  const pathOf = (kind: BlobKind, sha256: string) => {
    // The hash is the only input that reaches the path; anything else is refused outright.
    if (!HASH.test(sha256)) throw new Error('Invalid blob hash');
    return path.join(root, kind === 'file' ? 'files' : 'thumbnails', sha256.slice(0, 2), sha256);
  };
  return {
    async put(kind, sha256, bytes) {
      const target = pathOf(kind, sha256);
      if ((await stat(target).catch(() => null))?.isFile()) return;
      await mkdir(path.dirname(target), { recursive: true });
      // Write beside, then rename: a reader never sees half a file.
      const temporary = `${target}.${randomUUID()}.tmp`;
      await writeFile(temporary, bytes, { mode: 0o600 });
      await rename(temporary, target);
    },
    async size(kind, sha256) {
      const info = await stat(pathOf(kind, sha256)).catch(() => null);
      return info?.isFile() ? info.size : null;
    },
    open(kind, sha256, range) {
      return createReadStream(pathOf(kind, sha256), range ? { start: range.start, end: range.end } : {});
    },
    async delete(kind, sha256) {
      await rm(pathOf(kind, sha256), { force: true });
    },
  };
}
