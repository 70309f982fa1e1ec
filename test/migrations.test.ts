import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { describe, expect, it } from 'vitest';
import { diffMigrationsToSchema, readMigrationList, schemaPath } from '../src/db/schema-engine.ts';
import { openTestDatabase, testEngine } from './helpers.ts';

describe('migrations', () => {
  it('match prisma/schema.prisma exactly (no drift)', async () => {
    const diff = await diffMigrationsToSchema(new PrismaPGlite(new PGlite()));
    expect(diff, 'schema.prisma changed without a migration: run npm run db:migration -- --name <name>').toBe('');
  });

  it('the drift check notices a schema change that has no migration', async () => {
    const schema = await readFile(schemaPath, 'utf8');
    const changed = schema.replace('model Branch {', 'model Branch {\n  driftProbe String?');
    expect(changed).not.toBe(schema);
    const diff = await diffMigrationsToSchema(new PrismaPGlite(new PGlite()), changed);
    expect(diff).toMatch(/ALTER TABLE "Branch" ADD COLUMN\s+"driftProbe" TEXT/);
  });

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
