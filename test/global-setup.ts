// vitest globalSetup: builds the databases every test file starts from, once per run, so that no
// file pays for initdb and the schema engine again (PGlite's initdb alone takes seconds, and every
// migration run loads the schema engine's WebAssembly).
// - PGlite: two data directories, one empty (initdb only) and one with every migration applied;
//   test files copy one of them (test/database.ts) and open the copy. The empty one is also the
//   drift check's shadow database.
// - PostgreSQL (TEST_DATABASE_URL): a migrated template database; test files get their own with
//   CREATE DATABASE ... TEMPLATE. It is dropped when the run ends.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { TestProject } from 'vitest/node';
import { createPGlite, openDatabase } from '../src/db/database.ts';
import { applyMigrations } from '../src/db/schema-engine.ts';
import { copyDirectory, createPostgresDatabase, type TestDatabaseTemplates } from './database.ts';

export default async function setup(project: TestProject) {
  const started = performance.now();
  const root = await mkdtemp(path.join(tmpdir(), 'helpdesk-test-templates-'));
  const templates: TestDatabaseTemplates = { pgliteEmpty: '', pgliteMigrated: '' };

  const serverUrl = process.env.TEST_DATABASE_URL;
  let dropTemplate = async () => {};
  if (serverUrl) {
    const template = await createPostgresDatabase(serverUrl, { prefix: 'helpdesk_template' });
    const db = await openDatabase({ databaseUrl: template.url, poolSize: 1 });
    try {
      await db.migrate();
    } finally {
      await db.close();
    }
    templates.postgresTemplate = template.name;
    dropTemplate = template.drop;
  } else {
    templates.pgliteEmpty = path.join(root, 'empty');
    const empty = createPGlite(templates.pgliteEmpty);
    await empty.waitReady;
    await empty.close();
    templates.pgliteMigrated = path.join(root, 'migrated');
    await copyDirectory(templates.pgliteEmpty, templates.pgliteMigrated);
    const pglite = createPGlite(templates.pgliteMigrated);
    await pglite.waitReady;
    try {
      await applyMigrations(new PrismaPGlite(pglite));
    } finally {
      await pglite.close();
    }
  }
  project.provide('testDatabase', templates);
  console.log(
    `test databases: ${serverUrl ? `PostgreSQL template ${templates.postgresTemplate}` : 'PGlite templates'} ` +
      `ready in ${Math.round(performance.now() - started)} ms`,
  );

  return async () => {
    await dropTemplate();
    await rm(root, { recursive: true, force: true });
  };
}
