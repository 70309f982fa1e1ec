// What lists read again and again, kept for a few seconds: `totalCount` (a full count(*) per
// request, growing with the table) and the anchor row of a deep page (the row at offset N, found by
// walking N index entries). A list header and a page-number client do not need either fresh on
// every request.
//
// An entry is keyed by the model and the whole `where` the list ran with, which holds the filter
// and the caller's visibility (a customer's own tickets are another key than an agent's), and
// what else defines it (the order and offset of an anchor). It is dropped as soon as this process
// writes to any table the `where` reads (src/db/write-epochs.ts; cluster workers tell each other,
// src/cluster.ts), so a client sees its own changes at once. Writes made by another server
// instance on the same PostgreSQL show after at most `ttlMs` (HELPDESK_COUNT_CACHE_SECONDS): the
// documented trade.
import type { Clock } from '../clock.ts';
import { getDatamodel } from '../generated/pothos-types.ts';
import type { WriteEpochs } from './write-epochs.ts';

export interface ReadCache {
  /** `run`'s count of `model` rows matching `where`, or the one cached for that same `where`. */
  count(model: string, where: object, run: () => Promise<number>): Promise<number>;
  /**
   * `run`'s answer for `model` rows matching `where`, told apart by `what` (an order and offset),
   * or the one cached for the same three. `remember` stores an answer already known.
   */
  get<T>(model: string, where: object, what: string, run: () => Promise<T>): Promise<T>;
  /** Where the tables of `where` stand now: taken before a read whose answer is then `remember`ed. */
  stamp(model: string, where: object): Stamp;
  /** Stores an answer read since `since` (it stays good only if nothing was written since). */
  remember(model: string, where: object, what: string, value: unknown, since: Stamp): void;
}

export interface Stamp {
  tables: string[];
  stamp: number;
}

interface Entry {
  tables: string[];
  stamp: number;
  expires: number;
  value: Promise<unknown>;
}

/** Keys longer than this (a filter with thousands of ids) are counted, not cached. */
const MAX_KEY_CHARS = 4096;

type Models = ReturnType<typeof getDatamodel>['datamodel']['models'];

/** The tables a `where` on `model` reads: the model's and those of every relation it filters by. */
export function tablesOf(models: Models, model: string, where: unknown, into = new Set<string>()): Set<string> {
  into.add(model);
  if (where === null || typeof where !== 'object') return into;
  const fields = models[model as keyof Models]?.fields ?? [];
  for (const [key, value] of Object.entries(where)) {
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      for (const part of Array.isArray(value) ? value : [value]) tablesOf(models, model, part, into);
      continue;
    }
    const relation = fields.find((f) => f.name === key && f.kind === 'object');
    if (!relation || value === null || typeof value !== 'object') continue;
    // `{ some | every | none | is | isNot: {...} }`, or the related model's filter itself.
    const quantified = ['some', 'every', 'none', 'is', 'isNot'].filter((q) => q in value);
    const nested = quantified.length ? quantified.map((q) => (value as Record<string, unknown>)[q]) : [value];
    for (const part of nested) tablesOf(models, relation.type, part, into);
  }
  return into;
}

export function createReadCache(options: {
  writes: WriteEpochs;
  /** 0 turns caching off. */
  ttlMs: number;
  now: Clock;
  maxEntries?: number;
}): ReadCache {
  const { writes, ttlMs, now, maxEntries = 1000 } = options;
  const models = getDatamodel().datamodel.models;
  const entries = new Map<string, Entry>();
  const keyOf = (model: string, where: object, what: string) => `${model} ${what} ${JSON.stringify(where)}`;
  const stampOf = (model: string, where: object): Stamp => {
    const tables = [...tablesOf(models, model, where)];
    return { tables, stamp: writes.stampOf(tables) };
  };
  const put = (key: string, { tables, stamp }: Stamp, value: Promise<unknown>) => {
    const entry = { tables, stamp, expires: now() + ttlMs, value };
    entries.delete(key);
    entries.set(key, entry);
    value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    // Oldest first out: a Map iterates in insertion order and a refreshed key is re-inserted.
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  };
  const get = <T>(model: string, where: object, what: string, run: () => Promise<T>): Promise<T> => {
    if (ttlMs <= 0) return run();
    const key = keyOf(model, where, what);
    if (key.length > MAX_KEY_CHARS) return run();
    const cached = entries.get(key);
    if (cached && cached.expires > now() && cached.stamp === writes.stampOf(cached.tables)) {
      return cached.value as Promise<T>;
    }
    // The stamp from before the read: a write that lands while it runs makes the entry stale.
    const since = stampOf(model, where);
    // Concurrent requests for the same read share this one run instead of each running it.
    const value = run();
    put(key, since, value);
    return value;
  };
  return {
    count: (model, where, run) => get(model, where, 'count', run),
    get,
    stamp: stampOf,
    remember(model, where, what, value, since) {
      const key = keyOf(model, where, what);
      if (ttlMs > 0 && key.length <= MAX_KEY_CHARS) put(key, since, Promise.resolve(value));
    },
  };
}
