// Field changes for the event log: what a use-case changed, before and after, in the form the
// history, the feed and webhooks show.
import type { FieldChange, JsonValue } from './types.ts';

type Row = object;

/** A value as JSON: dates as ISO strings, Prisma's JSON as it is, undefined as null. */
export function jsonValue(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value as JsonValue;
}

const same = (a: JsonValue, b: JsonValue) => JSON.stringify(a) === JSON.stringify(b);

/** The fields among `fields` whose values differ between `before` and `after`. */
export function diff(before: Row, after: Row, fields: readonly string[]): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const from = jsonValue((before as Record<string, unknown>)[field]);
    const to = jsonValue((after as Record<string, unknown>)[field]);
    if (!same(from, to)) changes.push({ field, from, to });
  }
  return changes;
}

/** A creation: every field in `fields` that has a value, from null. */
export function created(after: Row, fields: readonly string[]): FieldChange[] {
  return diff({}, after, fields);
}
