// `npm run schema`: rewrites schema.graphql from the Pothos schema (test/schema.test.ts checks it);
// the script then regenerates test/graphql-env.d.ts from it (scripts/graphql-env.mjs).
import { writeFile } from 'node:fs/promises';
import { printedSchema, schemaFile } from '../src/schema/print.ts';

await writeFile(schemaFile, printedSchema());
console.log(`Wrote ${schemaFile}`);
