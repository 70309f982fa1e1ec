// The practical limit of this machine for scenario 1: a bare node:http handler that answers the
// ticket list (the same fields as the GraphQL query, the total count included, in the same JSON
// shape) with one hand-written SQL statement that builds the response in the database.
// Run: node bench/baseline.ts (PORT, DATABASE_URL or HELPDESK_DATA_DIR as for the server).
import { createServer } from 'node:http';
import path from 'node:path';

// `name` is first and last name joined by a space, skipping empty parts (fullNameOf).
const NAME = (alias: string) => `concat_ws(' ', nullif(${alias}."firstName", ''), nullif(${alias}."lastName", ''))`;

export const BASELINE_SQL = `
SELECT json_build_object('data', json_build_object('tickets', json_build_object(
  'totalCount', (SELECT count(*) FROM "Ticket"),
  'nodes', coalesce((SELECT json_agg(t.node ORDER BY t."createdAt" DESC, t.id DESC) FROM (
    SELECT tk.id, tk."createdAt", json_build_object(
      'key', tk.key, 'subject', tk.subject, 'tags', tk.tags,
      'branch', json_build_object('key', b.key, 'name', b.name),
      'reporter', CASE WHEN ra.id IS NOT NULL THEN json_build_object('name', ${NAME('ra')}, 'email', ra.email)
                       WHEN rc.id IS NOT NULL THEN json_build_object('name', ${NAME('rc')}, 'email', rc.email) END,
      'assignee', CASE WHEN aa.id IS NOT NULL THEN json_build_object('name', ${NAME('aa')}) END,
      'comments', json_build_object('nodes', (
        SELECT coalesce(json_agg(json_build_object('content', c.content, 'author',
            CASE WHEN ca.id IS NOT NULL THEN json_build_object('name', ${NAME('ca')})
                 WHEN cc.id IS NOT NULL THEN json_build_object('name', ${NAME('cc')}) END) ORDER BY c.id), '[]'::json)
        FROM (SELECT * FROM "Comment" c0 WHERE c0."ticketId" = tk.id ORDER BY c0.id LIMIT 5) c
        LEFT JOIN "Agent" ca ON ca.id = c."authorAgentId"
        LEFT JOIN "Customer" cc ON cc.id = c."authorCustomerId"))) AS node
    FROM "Ticket" tk
    JOIN "Branch" b ON b.id = tk."branchId"
    LEFT JOIN "Agent" ra ON ra.id = tk."reporterAgentId"
    LEFT JOIN "Customer" rc ON rc.id = tk."reporterCustomerId"
    LEFT JOIN "Agent" aa ON aa.id = tk."assigneeId"
    ORDER BY tk."createdAt" DESC, tk.id DESC
    LIMIT 50
  ) t), '[]'::json))))::text AS body`;

type Query = () => Promise<string>;

async function connect(): Promise<{ query: Query; close: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL,
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    });
    // The JSON text as the database built it (::text): no parse and stringify in between.
    return {
      query: async () => (await pool.query<{ body: string }>(BASELINE_SQL)).rows[0]!.body,
      close: () => pool.end(),
    };
  }
  const { createPGlite } = await import('../src/db/database.ts');
  const db = createPGlite(path.join(path.resolve(process.env.HELPDESK_DATA_DIR ?? 'data'), 'pglite'));
  return {
    query: async () => (await db.query<{ body: string }>(BASELINE_SQL)).rows[0]!.body,
    close: () => db.close(),
  };
}

if (import.meta.main) {
  const db = await connect();
  const server = createServer((_req, res) => {
    db.query().then(
      (body) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      },
      (error: Error) => {
        res.writeHead(500);
        res.end(error.message);
      },
    );
  });
  server.listen(Number(process.env.PORT ?? 4100), '127.0.0.1', () =>
    console.log(`baseline listening on ${process.env.PORT ?? 4100}`),
  );
  const stop = () => server.close(() => db.close().then(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
