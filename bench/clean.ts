// Removes what the write scenarios added (tickets titled "Bench"), so that a later run with
// --skip-seed reads the seeded data again: the newest 50 tickets must be the seeded ones.
import path from 'node:path';
import { openDatabase } from '../src/db/database.ts';

const db = await openDatabase({
  databaseUrl: process.env.DATABASE_URL,
  pgliteDir: path.join(path.resolve(process.env.HELPDESK_DATA_DIR ?? 'data'), 'pglite'),
});
try {
  const removed = await db.prisma.ticket.deleteMany({ where: { subject: 'Bench', description: 'Load' } });
  console.log(`removed ${removed.count} tickets the write scenarios created`);
} finally {
  await db.close();
}
