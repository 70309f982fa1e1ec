// `totalCount` of the lists, cached for a few seconds: a list header does not need a fresh
// count(*) on every page (it was a full count per request, and grows with the table).
//
// A cached count is keyed by the model and the whole `where` the list ran with, which holds the
// filter and the caller's visibility (a customer's own tickets are another key than an agent's).
// It is dropped as soon as this process writes to any table the `where` reads (src/db/write-epochs.ts;
// cluster workers tell each other, src/cluster.ts), so a client sees its own changes at once.
// Writes made by another server instance on the same PostgreSQL show after at most `ttlMs`
// (HELPDESK_COUNT_CACHE_SECONDS): the documented trade.
import type { Clock } from '../clock.ts';
import { getDatamodel } from '../generated/pothos-types.ts';
import type { WriteEpochs } from './write-epochs.ts';

export interface CountCache {
  /** `run`'s count of `model` rows matching `where`, or the one cached for that same `where`. */
  count(model: string, where: object, run: () => Promise<number>): Promise<number>;
}

interface Entry {
  tables: string[];
  stamp: number;
  expires: number;
  value: Promise<number>;
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

export function createCountCache(options: {
  writes: WriteEpochs;
  /** 0 turns caching off. */
  ttlMs: number;
  now: Clock;
  maxEntries?: number;
}): CountCache {
  const { writes, ttlMs, now, maxEntries = 1000 } = options;
  const models = getDatamodel().datamodel.models;
  const entries = new Map<string, Entry>();
  return {
    count(model, where, run) {
      if (ttlMs <= 0) return run();
      const key = `${model} ${JSON.stringify(where)}`;
      if (key.length > MAX_KEY_CHARS) return run();
      const time = now();
      const cached = entries.get(key);
      if (cached && cached.expires > time && cached.stamp === writes.stampOf(cached.tables)) return cached.value;
      const tables = cached?.tables ?? [...tablesOf(models, model, where)];
      // The stamp from before the count: a write that lands while it runs makes the entry stale.
      const stamp = writes.stampOf(tables);
      // Concurrent requests for the same list share this one count instead of each running it.
      const value = run();
      const entry = { tables, stamp, expires: time + ttlMs, value };
      entries.delete(key);
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      // Oldest first out: a Map iterates in insertion order and a refreshed key is re-inserted.
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return value;
    },
  };
}
