// Bulk insert through unnest(): every table is filled with one
// `INSERT ... SELECT FROM unnest($1::int[], $2::text[], ...)` statement per batch. Each column
// travels as ONE array parameter, so a batch of 10,000 rows is still a handful of parameters (no
// 65,535-parameter ceiling, no per-row statements), and the same SQL works on PGlite and
// PostgreSQL. Ids of rows other rows point to are reserved up front from the tables' own sequences
// with nextval(), so the seeder knows them without RETURNING and the sequences stay correct.
import type { PrismaClient } from '../generated/prisma/client.ts';

export type PgType = 'int' | 'text' | 'bool' | 'timestamp' | 'textarray' | `"${string}"`;
interface Column {
  name: string;
  type: PgType;
  values: unknown[];
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A PostgreSQL array literal; every element quoted, so any text survives. */
function arrayLiteral(values: readonly unknown[], type: PgType): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (type === 'int') parts[i] = String(v);
    else if (type === 'bool') parts[i] = v ? 't' : 'f';
    else if (type === 'timestamp') parts[i] = quote(new Date(v as number).toISOString().slice(0, -1));
    else if (type === 'textarray') parts[i] = quote(`{${(v as string[]).map(quote).join(',')}}`);
    else parts[i] = quote(String(v));
  }
  return `{${parts.join(',')}}`;
}

async function insertRows(prisma: PrismaClient, table: string, columns: Column[], suffix = '') {
  if (columns.length === 0 || columns[0]!.values.length === 0) return 0;
  // Nested arrays cannot go through unnest() (it flattens them), so a text[] column travels as
  // text literals and is cast back per row.
  const castOf = (type: PgType) => (type === 'textarray' ? 'text' : type === 'timestamp' ? 'timestamp(3)' : type);
  const params = columns.map((c, i) => `$${i + 1}::${castOf(c.type)}[]`);
  const names = columns.map((_, i) => `c${i}`);
  const select = columns.map((c, i) => (c.type === 'textarray' ? `c${i}::text[]` : `c${i}`));
  const sql =
    `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) ` +
    `SELECT ${select.join(', ')} FROM unnest(${params.join(', ')}) AS u(${names.join(', ')}) ${suffix}`;
  return prisma.$executeRawUnsafe(sql, ...columns.map((c) => arrayLiteral(c.values, c.type)));
}

/** Takes `count` ids from the table's id sequence, as the server's own inserts would. */
export async function reserveIds(prisma: PrismaClient, table: string, count: number): Promise<number[]> {
  if (count === 0) return [];
  const rows = await prisma.$queryRawUnsafe<{ id: number }[]>(
    `SELECT nextval(pg_get_serial_sequence('"${table}"', 'id'))::int AS id FROM generate_series(1, $1::int)`,
    count,
  );
  return rows.map((r) => r.id);
}

/** Column-wise row buffer: push rows, flush as one statement. */
export class Batch {
  private readonly cols: Column[];
  private readonly table: string;
  constructor(table: string, spec: [string, PgType][]) {
    this.table = table;
    this.cols = spec.map(([name, type]) => ({ name, type, values: [] }));
  }
  get size() {
    return this.cols[0]!.values.length;
  }
  push(...values: unknown[]) {
    for (let i = 0; i < this.cols.length; i++) this.cols[i]!.values.push(values[i]);
  }
  async flush(prisma: PrismaClient, suffix = '') {
    const n = await insertRows(prisma, this.table, this.cols, suffix);
    for (const c of this.cols) c.values = [];
    return n;
  }
}

/** Empties every table of the helpdesk schema except Prisma's migration history. */
export async function resetDatabase(prisma: PrismaClient) {
  const tables = await prisma.$queryRawUnsafe<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`,
  );
  if (tables.length === 0) return;
  await prisma.$executeRawUnsafe(
    `TRUNCATE TABLE ${tables.map((t) => `"${t.tablename.replace(/"/g, '""')}"`).join(', ')} RESTART IDENTITY CASCADE`,
  );
}
