// Fresh databases for tests, copied from the templates test/global-setup.ts built for this run:
// a copy of a PGlite data directory, or CREATE DATABASE ... TEMPLATE on the PostgreSQL server
// named by TEST_DATABASE_URL. Without the templates (a file run outside this vitest config) every
// database is created and migrated from scratch, as before: slower, same result.
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../src/db/database.ts';

export interface TestDatabaseTemplates {
  /** PGlite data directory straight after initdb ('' on a PostgreSQL run). */
  pgliteEmpty: string;
  /** PGlite data directory with every migration applied ('' on a PostgreSQL run). */
  pgliteMigrated: string;
  /** Name of the migrated template database on the TEST_DATABASE_URL server. */
  postgresTemplate?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabaseTemplates;
  }
}

export const testEngine = process.env.TEST_DATABASE_URL ? 'postgresql' : 'pglite';

/** The run's templates, or undefined outside a vitest worker started with test/global-setup.ts. */
export function testTemplates(): TestDatabaseTemplates | undefined {
  try {
    return inject('testDatabase');
  } catch {
    return undefined;
  }
}

export async function copyDirectory(from: string, to: string) {
  await cp(from, to, { recursive: true });
}

/** A PGlite data directory in its own temporary folder, copied from a template; undefined without one. */
export async function copyPgliteTemplate(kind: 'empty' | 'migrated', target?: string) {
  const templates = testTemplates();
  const source = kind === 'empty' ? templates?.pgliteEmpty : templates?.pgliteMigrated;
  if (!source) return undefined;
  const dir = target ?? path.join(await mkdtemp(path.join(tmpdir(), 'helpdesk-db-')), 'pglite');
  await copyDirectory(source, dir);
  return dir;
}

/**
 * Creates a throwaway database on the TEST_DATABASE_URL server; returns its name, URL and a dropper.
 * `template: true` copies the run's migrated template (when there is one); a name copies that
 * database; by default the database is empty, as PostgreSQL's CREATE DATABASE makes it.
 */
export async function createPostgresDatabase(
  serverUrl: string,
  options: { template?: boolean | string; prefix?: string } = {},
) {
  const name = `${options.prefix ?? 'helpdesk_test'}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const template = options.template === true ? testTemplates()?.postgresTemplate : options.template || undefined;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
        break;
      } catch (error) {
        // 55006: the template still has a session (one closing a moment ago): try again shortly.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    /** True when the database was copied from a migrated template. */
    migrated: template !== undefined,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * A database of its own for one test file (or group): every migration applied, no rows, unless
 * `migrate: false` asks for an empty one.
 */
export async function openTestDatabase(options: { migrate?: boolean } = {}) {
  const migrate = options.migrate !== false;
  let drop = async () => {};
  let db: Database;
  let ready = false;
  if (process.env.TEST_DATABASE_URL) {
    const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL, { template: migrate });
    drop = created.drop;
    ready = created.migrated;
    db = await openDatabase({ databaseUrl: created.url, poolSize: 20 });
  } else {
    const dir = await copyPgliteTemplate(migrate ? 'migrated' : 'empty');
    if (dir) {
      ready = migrate;
      drop = () => rm(path.dirname(dir), { recursive: true, force: true });
    }
    db = await openDatabase({ pgliteDir: dir });
  }
  if (migrate && !ready) await db.migrate();
  return {
    db,
    async close() {
      await db.close();
      await drop();
    },
  };
}
