// Pages after a cursor (or past an offset) as a keyset `where`: "rows that sort after this row",
// written on the sort columns, instead of Prisma's `cursor`. Prisma answers a cursor query with
// its relation-join SQL turned off, loading each nested relation in a statement of its own (11
// statements for a list page instead of 2), and a deep page cost 1.7 times page 1.
//
// Only orders Prisma can compare with lt/gt and that hold no nulls qualify: enum columns (status,
// priority, source) have no range filters in Prisma, and a nullable column (assignee) would drop
// the rows whose value is null. Those keep Prisma's cursor.
import { getDatamodel } from '../generated/pothos-types.ts';

type Models = ReturnType<typeof getDatamodel>['datamodel']['models'];
type Order = Record<string, 'asc' | 'desc'>;
type Row = Record<string, unknown>;

const models: Models = getDatamodel().datamodel.models;
const COMPARABLE = new Set(['Int', 'BigInt', 'Float', 'Decimal', 'String', 'DateTime']);

/** The sort columns of `orderBy`, when a keyset can stand for a cursor on them; null otherwise. */
export function keysetColumns(model: string, orderBy: object | object[]): [string, 'asc' | 'desc'][] | null {
  const fields = models[model as keyof Models]?.fields;
  if (!fields) return null;
  const terms = (Array.isArray(orderBy) ? orderBy : [orderBy]) as Order[];
  const columns: [string, 'asc' | 'desc'][] = [];
  for (const term of terms) {
    const entries = Object.entries(term);
    if (entries.length !== 1) return null;
    const [column, direction] = entries[0]!;
    const field = fields.find((f) => f.name === column);
    if (field?.kind !== 'scalar' || !field.isRequired || !COMPARABLE.has(field.type)) return null;
    if (direction !== 'asc' && direction !== 'desc') return null;
    columns.push([column, direction]);
  }
  // The last term must make the order total, or rows tied on every column could be skipped.
  return columns.at(-1)?.[0] === 'id' ? columns : null;
}

/**
 * Rows after `anchor` in the order of `columns` (before it, `backwards`; the anchor too, `inclusive`). The
 * first column's range is repeated outside the OR: the database can then start the index walk at
 * the anchor instead of filtering every row before it (a page 1,000 deep read 50,000 index entries).
 */
export function after(
  columns: [string, 'asc' | 'desc'][],
  anchor: Row,
  { backwards = false, inclusive = false } = {},
): object {
  const greater = (direction: 'asc' | 'desc') => (direction === 'asc') !== backwards;
  const [first, firstDirection] = columns[0]!;
  return {
    AND: [
      { [first]: { [greater(firstDirection) ? 'gte' : 'lte']: anchor[first] } },
      {
        OR: [
          ...columns.map(([column, direction], i) => ({
            AND: [
              ...columns.slice(0, i).map(([earlier]) => ({ [earlier]: anchor[earlier] })),
              { [column]: { [greater(direction) ? 'gt' : 'lt']: anchor[column] } },
            ],
          })),
          // The anchor row itself (the last column is the id).
          ...(inclusive ? [{ id: anchor.id }] : []),
        ],
      },
    ],
  };
}

/** The select of an anchor row: its sort columns. */
export const anchorSelect = (columns: [string, 'asc' | 'desc'][]) =>
  Object.fromEntries(columns.map(([column]) => [column, true]));
