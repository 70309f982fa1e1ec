// `npm run create-admin -- --email you@example.com [--name "Ada Lovelace"]`: an admin with a new API
// key, or a new key for an existing admin, in the configured database (DATABASE_URL, or the embedded
// one in HELPDESK_DATA_DIR). The key is printed alone on the last line, so `| tail -1` captures it.
import { parseArgs } from 'node:util';
import { createAdminKey } from '../src/auth/bootstrap.ts';
import { loadServerKey, secretBox, verifyServerKey } from '../src/auth/secret-box.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { DataDirLockedError } from '../src/db/data-dir-lock.ts';
import { configuredDatabase, openDatabase } from '../src/db/database.ts';

const USAGE = `Usage: npm run create-admin -- --email you@example.com [--name "Ada Lovelace"] [--label text]

Creates an admin agent with a new API key, or, when an admin with that email exists, a new key
for them (their other keys keep working). Works on the configured database: DATABASE_URL, or the
embedded database in HELPDESK_DATA_DIR (./data); pending migrations are applied first. With the
embedded database the server must be stopped meanwhile (one process at a time).

The key is shown once, alone on the last line. Send it as "Authorization: Bearer <key>".`;

function fail(message: string, code = 1): never {
  console.error(`create-admin: ${message}`);
  process.exit(code);
}

let values: { email?: string; name?: string; label?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: false,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      label: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`, 2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.email) fail(`--email is required\n\n${USAGE}`, 2);
const [firstName, ...rest] = (values.name ?? '').trim().split(/\s+/);

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}

let db: Awaited<ReturnType<typeof openDatabase>>;
try {
  db = await openDatabase(configuredDatabase(config));
} catch (error) {
  if (error instanceof DataDirLockedError) {
    const pid = error.holder?.pid;
    fail(
      `${error.message}\nStop the server${pid ? ` (kill ${pid}, or Ctrl-C where it runs)` : ''}, run create-admin again, ` +
        'then start the server: the new key works at once. Already have a key? The createApiKey mutation makes ' +
        'more without stopping anything (README, "Your first API key").',
    );
  }
  throw error;
}
try {
  const applied = await db.migrate();
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  const mayGenerate = (await db.prisma.apiKey.count()) === 0;
  const box = secretBox(await loadServerKey(config.secretKey, config.dataDir, mayGenerate));
  await verifyServerKey(db.prisma, box);
  const made = await createAdminKey(db.prisma, box, {
    email: values.email,
    firstName,
    lastName: rest.join(' '),
    label: values.label,
  });
  const where = db.engine === 'postgresql' ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`;
  console.log(
    made.created
      ? `Created admin ${made.email} in ${where}.`
      : `${made.email} is already an admin in ${where}: made a new API key (the others keep working).`,
  );
  console.log('Send it as "Authorization: Bearer <key>". It is shown this once and cannot be read again:');
  console.log(made.apiKey);
} catch (error) {
  // Refusals (not an admin, invalid email, wrong server key) are their message; anything else a bug.
  const { name, message } = error as Error;
  const refusal = ['BootstrapError', 'DomainError'].includes(name) || /server key/i.test(message);
  console.error(refusal ? `create-admin: ${message}` : error);
  process.exitCode = 1;
} finally {
  await db.close();
}
