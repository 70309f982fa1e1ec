// The practical limit of this machine for scenario 1: a bare node:http handler that answers the
// ticket list with one hand-written SQL query (joins and json aggregates) and JSON.stringify.
// Run: node bench/baseline.ts (PORT, DATABASE_URL or HELPDESK_DATA_DIR as for the server).
import { createServer } from 'node:http';
import path from 'node:path';

const SQL = `
SELECT coalesce(json_agg(t ORDER BY t."createdAt" DESC, t.id DESC), '[]'::json) AS tickets FROM (
  SELECT tk.id, tk.key, tk.subject, tk.status, tk.priority, tk.tags, tk."createdAt",
    json_build_object('key', b.key, 'name', b.name) AS branch,
    CASE WHEN ra.id IS NOT NULL THEN json_build_object('name', ra."firstName" || ' ' || ra."lastName", 'email', ra.email)
         ELSE json_build_object('name', rc."fullName", 'email', rc.email) END AS reporter,
    CASE WHEN aa.id IS NOT NULL THEN json_build_object('name', aa."firstName" || ' ' || aa."lastName") END AS assignee,
    (SELECT coalesce(json_agg(json_build_object('content', c.content,
        'author', json_build_object('name', coalesce(ca."firstName" || ' ' || ca."lastName", cc."fullName"))) ORDER BY c.id), '[]'::json)
       FROM (SELECT * FROM "Comment" c0 WHERE c0."ticketId" = tk.id ORDER BY c0.id LIMIT 5) c
       LEFT JOIN "Agent" ca ON ca.id = c."authorAgentId"
       LEFT JOIN "Customer" cc ON cc.id = c."authorCustomerId") AS comments
  FROM "Ticket" tk
  JOIN "Branch" b ON b.id = tk."branchId"
  LEFT JOIN "Agent" ra ON ra.id = tk."reporterAgentId"
  LEFT JOIN "Customer" rc ON rc.id = tk."reporterCustomerId"
  LEFT JOIN "Agent" aa ON aa.id = tk."assigneeId"
  ORDER BY tk."createdAt" DESC, tk.id DESC
  LIMIT 50
) t`;

type Query = () => Promise<unknown>;

async function connect(): Promise<{ query: Query; close: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL,
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    });
    return { query: async () => (await pool.query(SQL)).rows[0].tickets, close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(path.join(path.resolve(process.env.HELPDESK_DATA_DIR ?? 'data'), 'pglite'));
  return {
    query: async () => ((await db.query<{ tickets: unknown }>(SQL)).rows[0] as { tickets: unknown }).tickets,
    close: () => db.close(),
  };
}

const db = await connect();
const server = createServer((_req, res) => {
  db.query().then(
    (tickets) => {
      const body = JSON.stringify({ data: { tickets } });
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
