// `npm install` runs this: generates the Prisma client and the Pothos types from prisma/schema.prisma,
// then the typings the tests' GraphQL documents are checked with (graphql-env.mjs).
// The Prisma CLI insists on a native schema engine binary before any command, and that binary is
// downloaded from outside the npm registry. Generation never runs it, so we point the CLI at a
// stand-in that explains itself if anything ever does call it. Migrations go through
// src/db/schema-engine.ts (Prisma's WebAssembly engine) instead.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateGraphQLEnv } from './graphql-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prismaCli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
const result = spawnSync(process.execPath, [prismaCli, 'generate', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, 'scripts', 'schema-engine-unavailable'),
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
if (result.status !== 0) process.exit(result.status ?? 1);
await generateGraphQLEnv();
