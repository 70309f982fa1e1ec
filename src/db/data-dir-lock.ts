// The embedded database belongs to one process. PGlite keeps its pages in this process's memory and
// writes them back on its own schedule, so two processes on one directory both "succeed" and then
// overwrite each other's files: confirmed writes vanish. Every process that opens the directory
// (server, seed, create-admin, db:migrate) takes this lock first, or stops with the holder's pid.
//
// proper-lockfile gives the atomic part (mkdir), keeps the lock fresh and releases it on exit; a
// lock whose mtime went stale (60 s) is taken over. Beside it we record who holds it, so a refusal
// can name the process and a lock left by a process that was killed (kill -9, power cut) is taken
// over at once when that process is gone from this host, instead of after the stale period.
import { readFileSync } from 'node:fs';
import { readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import lockfile from 'proper-lockfile';

/** A lock not refreshed for this long is taken over even when its holder cannot be checked. */
const STALE_MS = 60_000;

export interface LockHolder {
  pid: number;
  hostname: string;
  /** What the holder runs, e.g. `node src/main.ts`. */
  command: string;
  since: string;
}

export class DataDirLockedError extends Error {
  readonly holder: LockHolder | undefined;
  readonly directory: string;
  constructor(directory: string, holder: LockHolder | undefined) {
    const who = holder
      ? `process ${holder.pid}${holder.hostname === hostname() ? '' : ` on ${holder.hostname}`} (${holder.command}, since ${holder.since})`
      : 'another process (it did not record its pid)';
    super(
      `The embedded database in ${directory} is in use by ${who}. One embedded database serves one process: ` +
        'two would overwrite each other’s writes. Stop that process first, or use PostgreSQL (DATABASE_URL) ' +
        'to run several.',
    );
    this.name = 'DataDirLockedError';
    this.holder = holder;
    this.directory = directory;
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

const ownerFile = (directory: string) => `${directory}.lock.json`;
const lockDir = (directory: string) => `${directory}.lock`;

function readHolder(directory: string): Promise<LockHolder | undefined> {
  return readFile(ownerFile(directory), 'utf8').then(
    (text) => {
      try {
        const holder = JSON.parse(text) as LockHolder;
        return Number.isInteger(holder.pid) && typeof holder.hostname === 'string' ? holder : undefined;
      } catch {
        return undefined;
      }
    },
    () => undefined,
  );
}

/** Whether `pid` runs on this host; a zombie (killed, not yet reaped by its parent) does not. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) answered
  }
}

/** A holder recorded on this host that is no longer running (or is this very process's pid, reused). */
const gone = (holder: LockHolder | undefined) =>
  !!holder && holder.hostname === hostname() && (holder.pid === process.pid || !running(holder.pid));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Locks `directory` (the PGlite data directory) for this process. Throws DataDirLockedError naming
 * the holder when another live process has it. `onLost` is called if the lock is taken away while
 * held (its files deleted, or refreshed too late): the caller must stop writing.
 */
export async function lockDataDir(directory: string, onLost: (error: Error) => void): Promise<DataDirLock> {
  const options = { lockfilePath: lockDir(directory), realpath: false, stale: STALE_MS, onCompromised: onLost };
  let release: (() => Promise<void>) | undefined;
  // A holder between mkdir and writing its owner file is seen without one: look again briefly.
  for (let attempt = 0; !release; attempt++) {
    try {
      release = await lockfile.lock(directory, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const holder = await readHolder(directory);
      if (gone(holder) && attempt < 10) {
        // Killed without releasing: its lock is ours to remove.
        await rm(ownerFile(directory), { force: true });
        // Not removable (gone already, or another process took it): the next attempt says which.
        await rmdir(lockDir(directory)).catch(() => undefined);
        continue;
      }
      if (holder || attempt >= 10) throw new DataDirLockedError(directory, holder);
      await sleep(100);
    }
  }
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    // `node src/main.ts`, `node scripts/seed.ts --tickets 5`: the project's own paths, shortened.
    command: `node ${process.argv
      .slice(1)
      .map((arg) => arg.replace(/^.*\/(?=(src|scripts|bench)\/)/, ''))
      .join(' ')}`,
    since: new Date().toISOString(),
  };
  await writeFile(ownerFile(directory), `${JSON.stringify(holder)}\n`);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      // The owner file first: once the lock directory is gone, a new holder may write its own.
      await rm(ownerFile(directory), { force: true });
      // A lock reported compromised was dropped by proper-lockfile already (ERELEASED): nothing to release.
      await release!().catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ERELEASED') throw error;
      });
    },
  };
}
