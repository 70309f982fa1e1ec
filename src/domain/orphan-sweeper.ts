// The orphan sweeper: removes the blobs and temporary files a crash or a failed transaction left
// in the blob store (attachments are written blobs first, rows second: src/domain/attachments.ts).
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { BlobKind, BlobStore } from '../storage/blob-store.ts';

export interface SweepOptions {
  /** How long an unreferenced blob or a temporary file may live: longer than any upload takes. */
  graceMs: number;
  /** The clock (tests move it). */
  now?: () => number;
  /** Blobs examined per run at most; the next run goes on from there, so each run is bounded. */
  maxChecks?: number;
  /** Hashes looked up in the database per query. */
  batchSize?: number;
}

export interface SweepResult {
  checked: number;
  removedBlobs: number;
  removedTemporaries: number;
}

/**
 * Removes what a crash or a failed transaction leaves in the blob store: blobs no Attachment row
 * refers to and temporary files of interrupted writes, both only once older than the grace
 * period, so an upload whose rows are not committed yet keeps its blobs (its `put` refreshes
 * their time even when the bytes were already there). A run examines at most `maxChecks` blobs
 * and remembers where it stopped.
 */
export function createOrphanSweeper(prisma: PrismaClient, store: BlobStore, options: SweepOptions) {
  const now = options.now ?? Date.now;
  const maxChecks = options.maxChecks ?? 20_000;
  const batchSize = options.batchSize ?? 500;
  const resumeAfter: Record<BlobKind, string | undefined> = { file: undefined, thumbnail: undefined };

  async function sweepBatch(kind: BlobKind, hashes: string[], before: Date) {
    const used = new Set(
      (
        await prisma.attachment.findMany({
          where: { sha256: { in: hashes } },
          select: { sha256: true },
          distinct: ['sha256'],
        })
      ).map((row) => row.sha256),
    );
    let removed = 0;
    for (const sha256 of hashes)
      if (!used.has(sha256) && (await store.deleteIfOlder(kind, sha256, before))) removed += 1;
    return removed;
  }

  return async function sweep(): Promise<SweepResult> {
    const before = new Date(now() - options.graceMs);
    const result: SweepResult = { checked: 0, removedBlobs: 0, removedTemporaries: 0 };
    result.removedTemporaries = await store.removeTemporaries(before, maxChecks);
    for (const kind of ['file', 'thumbnail'] as const) {
      let batch: string[] = [];
      let finished = true;
      for await (const entry of store.list(kind, resumeAfter[kind])) {
        if (result.checked >= maxChecks) {
          finished = false;
          break;
        }
        result.checked += 1;
        resumeAfter[kind] = entry.sha256;
        if (entry.modifiedAt >= before) continue;
        batch.push(entry.sha256);
        if (batch.length >= batchSize) {
          result.removedBlobs += await sweepBatch(kind, batch, before);
          batch = [];
        }
      }
      if (batch.length) result.removedBlobs += await sweepBatch(kind, batch, before);
      if (finished) resumeAfter[kind] = undefined;
    }
    return result;
  };
}

/** Runs the sweeper now and then every `intervalMs` (0: only now) until stopped; runs never overlap. */
export function startOrphanSweeper(
  sweep: () => Promise<SweepResult>,
  intervalMs: number,
  onResult: (result: SweepResult) => void,
  onError: (error: unknown) => void,
) {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        onResult(await sweep());
      } catch (error) {
        onError(error);
      }
    });
  };
  run();
  const timer = intervalMs > 0 ? setInterval(run, intervalMs) : undefined;
  timer?.unref();
  return {
    /** Stops the timer and waits for a run in progress (call before closing the database). */
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
