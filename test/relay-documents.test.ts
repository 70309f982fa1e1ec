// Relay, the strictest common client, compiles a small set of realistic documents (test/relay/:
// a paginated list with @connection/@refetchable, a nested paginated list refetched through
// node(id:), mutations with @appendEdge/@prependEdge) against schema.graphql; the operations it
// generates (with the cursors, ids and page info it adds) then run against the real schema.
// The artifacts go to a temporary directory: nothing generated is committed.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaFile } from '../src/schema/print.ts';
import { createBranch, createTicket } from './fixtures.ts';
import { createTestApp, ok, type TestApp } from './helpers.ts';

const require = createRequire(import.meta.url);
const compilerCli = path.join(path.dirname(require.resolve('relay-compiler/package.json')), 'cli.js');
const documents = path.join(import.meta.dirname, 'relay');

const scalars = {
  DateTime: 'string',
  EmailAddress: 'string',
  URL: 'string',
  Locale: 'string',
  JSON: 'unknown',
  JSONObject: 'Record<string, unknown>',
  File: 'unknown',
};

/** Compiles the documents (plus `extra` files) in a fresh directory; returns the outcome and artifacts. */
async function compile(extra: Record<string, string> = {}) {
  const root = await mkdtemp(path.join(tmpdir(), 'relay-'));
  try {
    const src = path.join(root, 'src');
    await cp(documents, src, { recursive: true });
    for (const [name, text] of Object.entries(extra)) await writeFile(path.join(src, name), text);
    await mkdir(path.join(src, '__generated__'));
    const config = { src: './src', schema: schemaFile, language: 'typescript', customScalarTypes: scalars };
    await writeFile(
      path.join(root, 'relay.config.json'),
      JSON.stringify({ ...config, artifactDirectory: './src/__generated__' }),
    );
    const run = spawnSync(process.execPath, [compilerCli, 'relay.config.json'], { cwd: root, encoding: 'utf8' });
    const artifacts = new Map<string, string>();
    for (const file of await readdir(path.join(src, '__generated__'))) {
      artifacts.set(file.replace(/\.graphql\.ts$/, ''), await readFile(path.join(src, '__generated__', file), 'utf8'));
    }
    return { status: run.status, output: `${run.stdout}${run.stderr}`, artifacts };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The operation text Relay would send, from a generated artifact. */
function operationText(artifact: string | undefined): string {
  const match = artifact?.match(/"text": ("(?:[^"\\]|\\.)*")/);
  if (!match) throw new Error('no operation text in the artifact');
  return JSON.parse(match[1]!) as string;
}

describe('relay-compiler', () => {
  let compiled: Awaited<ReturnType<typeof compile>>;
  let app: TestApp;
  let ticketKey: string;
  let branchId: string;

  beforeAll(async () => {
    compiled = await compile();
    app = await createTestApp();
    const branch = await createBranch(app, 'Relay', 'REL');
    branchId = branch.id;
    for (let n = 0; n < 3; n++) ticketKey = (await createTicket(app, { branch: branch.id, status: 'OPEN' })).key;
  });
  afterAll(() => app?.close());

  it('compiles the documents without errors', () => {
    expect(compiled.output).not.toMatch(/ERROR/);
    expect(compiled.status, compiled.output).toBe(0);
    expect([...compiled.artifacts.keys()].sort()).toEqual([
      'TicketCommentsAddMutation',
      'TicketCommentsCreateTicketMutation',
      'TicketCommentsPaginationQuery',
      'TicketCommentsQuery',
      'TicketComments_comment',
      'TicketComments_ticket',
      'TicketListPaginationQuery',
      'TicketListQuery',
      'TicketList_query',
      'TicketRowBranchQuery',
      'TicketRow_ticket',
    ]);
  });

  it('fails on a document the schema does not allow (the check can fail)', async () => {
    const broken = await compile({
      'Broken.ts':
        'import { graphql } from \'./graphql.ts\';\nexport const q = graphql`query BrokenQuery { ticket(by: {key: "X-1"}) { nope } }`;\n',
    });
    expect(broken.status).not.toBe(0);
    expect(broken.output).toMatch(/nope/);
  });

  it('runs the paginated list Relay generated, and its next page from the cursor', async () => {
    const first = ok(
      await app.gql(operationText(compiled.artifacts.get('TicketListPaginationQuery')), {
        count: 2,
        filter: { status: ['OPEN'] },
      }),
    );
    expect(first.tickets.totalCount).toBe(3);
    expect(first.tickets.edges).toHaveLength(2);
    expect(first.tickets.pageInfo.hasNextPage).toBe(true);
    const next = ok(
      await app.gql(operationText(compiled.artifacts.get('TicketListPaginationQuery')), {
        count: 2,
        cursor: first.tickets.pageInfo.endCursor,
        filter: { status: ['OPEN'] },
      }),
    );
    expect(next.tickets.edges).toHaveLength(1);
    expect(next.tickets.pageInfo.hasNextPage).toBe(false);
    ok(await app.gql(operationText(compiled.artifacts.get('TicketRowBranchQuery')), { key: 'rel' }));
  });

  it('refetches a ticket’s comments through node(id:) and appends a new comment’s edge', async () => {
    const ticket = ok(
      await app.gql(operationText(compiled.artifacts.get('TicketCommentsQuery')), { key: ticketKey }),
    ).ticket;
    const added = ok(
      await app.gql(operationText(compiled.artifacts.get('TicketCommentsAddMutation')), {
        input: { ticket: { key: ticketKey }, content: 'Appended' },
        connections: [],
      }),
    ).addComment;
    expect(added.userErrors).toEqual([]);
    expect(added.commentEdge.node.content).toBe('Appended');
    const page = ok(
      await app.gql(operationText(compiled.artifacts.get('TicketCommentsPaginationQuery')), {
        id: ticket.id,
        count: 5,
      }),
    );
    expect(page.node.comments.edges.map((e: { cursor: string }) => e.cursor)).toEqual([added.commentEdge.cursor]);
    const created = ok(
      await app.gql(operationText(compiled.artifacts.get('TicketCommentsCreateTicketMutation')), {
        input: { branch: branchId, subject: 'Prepended', description: 'From Relay' },
        connections: [],
      }),
    ).createTicket;
    expect(created.ticketEdge.node.subject).toBe('Prepended');
  });
});
