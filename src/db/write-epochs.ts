// Which tables this process has written to, as stamps that move forward: anything cached from a
// table (list counts, src/db/read-cache.ts) is good while the stamps of its tables stand still.
// Stamps move when a write is done (a statement outside a transaction) or committed (a
// transaction), so a read that starts after the stamp moved sees the new rows.

/**
 * The tables an INSERT, UPDATE or DELETE writes to, as Prisma and our raw statements spell them,
 * anywhere in the statement: a data-modifying WITH (the event outbox's insert under its lock) too.
 * Arguments are bound apart from the SQL text, so no user text can look like one.
 */
const WRITES =
  /\b(?:insert\s+into|delete\s+from)\s+(?:"?public"?\s*\.\s*)?"?([A-Za-z_][A-Za-z0-9_]*)"?|\bupdate\s+(?:"?public"?\s*\.\s*)?"?([A-Za-z_][A-Za-z0-9_]*)"?\s+(?:as\s+\S+\s+)?set\b/gi;
/** Statements that change no rows: reads (a SELECT ... FOR UPDATE only locks), transaction control, upkeep. */
const NO_WRITE =
  /^\s*(?:select|with|show|explain|begin|commit|rollback|set|start\s+transaction|savepoint|release|vacuum|analyze)\b/i;

/** `null`: the statement writes nothing; `'all'`: it writes where the parser cannot tell (DDL, TRUNCATE, COPY). */
export function writtenTables(sql: string): string[] | 'all' | null {
  // Most statements are plain reads, and a top-level SELECT cannot hold a data-modifying
  // statement: not scanned through (this runs for every statement).
  if (/^\s*select\b/i.test(sql)) return null;
  const tables = [...sql.matchAll(WRITES)].map((m) => (m[1] ?? m[2])!);
  if (tables.length) return [...new Set(tables)];
  return NO_WRITE.test(sql) ? null : 'all';
}

export interface WriteEpochs {
  /** A stamp for these tables: it changes whenever one of them is written to. */
  stampOf(tables: readonly string[]): number;
  /** Records writes to these tables (or to every table); `remote`: told by another process, not re-announced. */
  bump(tables: Iterable<string> | 'all', remote?: boolean): void;
  /** Called with every local bump, to tell sibling processes (cluster workers). */
  onLocalBump(listener: (tables: string[] | 'all') => void): void;
}

export function createWriteEpochs(): WriteEpochs {
  let clock = 0;
  let everything = 0;
  const stamps = new Map<string, number>();
  const listeners: ((tables: string[] | 'all') => void)[] = [];
  return {
    stampOf(tables) {
      let stamp = everything;
      for (const table of tables) stamp = Math.max(stamp, stamps.get(table) ?? 0);
      return stamp;
    },
    bump(tables, remote = false) {
      clock++;
      if (tables === 'all') everything = clock;
      else for (const table of tables) stamps.set(table, clock);
      if (!remote) {
        const told = tables === 'all' ? 'all' : [...tables];
        for (const listener of listeners) listener(told);
      }
    },
    onLocalBump(listener) {
      listeners.push(listener);
    },
  };
}
