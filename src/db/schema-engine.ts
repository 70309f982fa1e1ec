// Prisma's schema engine compiled to WebAssembly, driven through a driver adapter.
// The native engine binary cannot be downloaded on our machines (see README, "Prisma offline"),
// so migrations are created, checked and applied through this module instead of the Prisma CLI.
// The SQL is still produced by Prisma's own engine from prisma/schema.prisma.
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { ifMissing } from '../storage/if-missing.ts';

const require = createRequire(import.meta.url);
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const schemaPath = path.join(projectRoot, 'prisma', 'schema.prisma');
export const migrationsDir = path.join(projectRoot, 'prisma', 'migrations');

const noFilter = { externalTables: [], externalEnums: [] };

type EngineModule = typeof import('@prisma/schema-engine-wasm');
type WasmExports = Record<string, unknown>;
// @types/node does not declare the WebAssembly global; this is the one call we need.
const { WebAssembly } = globalThis as unknown as {
  WebAssembly: {
    instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: WasmExports } }>;
  };
};
let engineModule: Promise<EngineModule> | undefined;

// Node 20 cannot `import` a .wasm file without --experimental-wasm-modules, so we instantiate
// the module ourselves and hand it to the wasm-bindgen glue, exactly as its entry point would.
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as EngineModule & {
      __wbg_set_wasm(exports: WasmExports): void;
    };
    const bytes = await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': glue,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return engineModule;
}

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and disposes every connection it opened (free() alone leaves them open). */
  close(): Promise<void>;
}

export async function openSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  log: (message: string) => void = () => {},
): Promise<OpenSchemaEngine> {
  const { SchemaEngine } = await loadEngineModule();
  const schema = await readFile(schemaPath, 'utf8');
  const opened: SqlDriverAdapter[] = [];
  const track = async (adapter: Promise<SqlDriverAdapter>) => {
    const connected = await adapter;
    opened.push(connected);
    return connected;
  };
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: () => track(adapterFactory.connect()),
    connectToShadowDb: () => track(adapterFactory.connectToShadowDb()),
  };
  const engine = await SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (line: string) => log(line),
    bindMigrationAwareSqlAdapterFactory(tracking),
  );
  return {
    engine,
    async close() {
      engine.free();
      // Best effort: the migration has succeeded or failed already, and that is what the caller hears.
      await Promise.all(opened.map((adapter) => adapter.dispose().catch(() => undefined)));
    },
  };
}

/** The migration history on disk, in the shape the engine expects (it cannot read files itself). */
export async function readMigrationList(dir = migrationsDir): Promise<MigrationList> {
  const entries = await readdir(dir).catch(ifMissing([] as string[]));
  const names = [];
  for (const name of entries.sort()) {
    if ((await stat(path.join(dir, name))).isDirectory()) names.push(name);
  }
  const lockPath = path.join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: {
      path: 'migration_lock.toml',
      content: await readFile(lockPath, 'utf8').catch(ifMissing(null)),
    },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(dir, name, 'migration.sql'), 'utf8').then(
            (content) => ({ tag: 'ok' as const, value: content }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

/** Applies every migration not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(adapterFactory: SqlMigrationAwareDriverAdapterFactory) {
  const { engine, close } = await openSchemaEngine(adapterFactory);
  try {
    const result = await engine.applyMigrations({
      migrationsList: await readMigrationList(),
      filters: noFilter,
    });
    return result.appliedMigrationNames;
  } finally {
    await close();
  }
}

/**
 * SQL that would bring a database built from the migration history up to prisma/schema.prisma
 * (what `prisma migrate diff --from-migrations --to-schema --script` prints). Empty when the two
 * agree. The adapter provides the shadow database the engine replays the history into.
 */
export async function diffMigrationsToSchema(adapterFactory: SqlMigrationAwareDriverAdapterFactory, schema?: string) {
  const { engine, close } = await openSchemaEngine(adapterFactory);
  try {
    schema ??= await readFile(schemaPath, 'utf8');
    const history = await readMigrationList();
    const result = await engine.diff({
      from: history.migrationDirectories.length === 0 ? { tag: 'empty' } : { tag: 'migrations', ...history },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilter,
    });
    return (result.stdout ?? '').replace(/^-- This is an empty migration\.\s*$/m, '').trim();
  } finally {
    await close();
  }
}

export const migrationLockContent =
  '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n';

/** `20261122164500` style prefix, as Prisma names migration directories. */
export function migrationTimestamp(date = new Date()) {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
