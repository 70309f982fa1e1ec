import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { createPGlite } from '../src/db/database.ts';
import { diffMigrationsToSchema, readMigrationList, schemaPath } from '../src/db/schema-engine.ts';
import { copyPgliteTemplate } from './database.ts';
import { openTestDatabase, testEngine } from './helpers.ts';

const opened: PGlite[] = [];
const copies: string[] = [];
afterAll(async () => {
  await Promise.all(opened.map((pglite) => pglite.close()));
  await Promise.all(copies.map((dir) => rm(path.dirname(dir), { recursive: true, force: true })));
});

/** An empty PGlite database: a copy of the run's empty template (initdb takes seconds), else a new one. */
async function emptyPglite() {
  const dir = await copyPgliteTemplate('empty');
  if (dir) copies.push(dir);
  const pglite = createPGlite(dir);
  opened.push(pglite);
  return pglite;
}

/** What `prisma migrate diff` is given: a database, and a shadow database to replay the history into. */
function driftAdapter(): SqlMigrationAwareDriverAdapterFactory {
  const adapter = (pglite: PGlite) => new PrismaPGlite(pglite).connect();
  return {
    provider: 'postgres',
    adapterName: 'pglite-test',
    connect: async () => adapter(await emptyPglite()),
    connectToShadowDb: async () => adapter(await emptyPglite()),
  };
}

// The drift check compares files (migrations and schema.prisma) through PGlite whatever the engine
// under test, so one run of it is enough: the PGlite run.
describe.skipIf(testEngine !== 'pglite')('migrations match the schema', () => {
  it('match prisma/schema.prisma exactly (no drift)', async () => {
    const diff = await diffMigrationsToSchema(driftAdapter());
    expect(diff, 'schema.prisma changed without a migration: run npm run db:migration -- --name <name>').toBe('');
  });

  it('the drift check notices a schema change that has no migration', async () => {
    const schema = await readFile(schemaPath, 'utf8');
    const changed = schema.replace('model Branch {', 'model Branch {\n  driftProbe String?');
    expect(changed).not.toBe(schema);
    const diff = await diffMigrationsToSchema(driftAdapter(), changed);
    expect(diff).toMatch(/ALTER TABLE "Branch" ADD COLUMN\s+"driftProbe" TEXT/);
  });
});

describe('migrations', () => {
  it(`apply to an empty ${testEngine} database, are recorded, and re-applying is a no-op`, async () => {
    const { db, close } = await openTestDatabase({ migrate: false });
    try {
      const onDisk = (await readMigrationList()).migrationDirectories.map((m) => m.path);
      expect(await db.pendingMigrations()).toEqual(onDisk);
      expect(await db.migrate()).toEqual(onDisk);
      expect(await db.pendingMigrations()).toEqual([]);
      expect(await db.migrate()).toEqual([]);
      expect(await db.prisma.branch.count()).toBe(0);
    } finally {
      await close();
    }
  });
});
