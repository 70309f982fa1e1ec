// `npm run schema`: rewrites schema.graphql from the Pothos schema (test/schema.test.ts checks it).
import { writeFile } from 'node:fs/promises';
import { printedSchema, schemaFile } from '../src/schema/print.ts';

await writeFile(schemaFile, printedSchema());
console.log(`Wrote ${schemaFile}`);
