import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { projectRoot } from '../db/schema-engine.ts';
import { schema } from './index.ts';

export const schemaFile = path.join(projectRoot, 'schema.graphql');

/** Sorted, so the committed file changes only when the schema does. */
export function printedSchema() {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
