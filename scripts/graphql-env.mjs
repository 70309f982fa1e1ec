// Writes test/graphql-env.d.ts, the introspection typings gql.tada types the tests' GraphQL
// documents with, from the committed schema.graphql (tsconfig.json names both). Generated, so not
// committed: `npm install` (generate.mjs) and `npm run schema` write it. gql.tada is a development
// dependency; an install without them (--omit=dev) has no tests to type and skips it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function generateGraphQLEnv() {
  let cli;
  try {
    cli = await import('@gql.tada/cli-utils');
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') return false;
    throw error;
  }
  await cli.generateOutput({ output: undefined, tsconfig: path.join(root, 'tsconfig.json'), silent: true });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await generateGraphQLEnv();
