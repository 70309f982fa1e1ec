// Rules about where code lives that review keeps missing. Every permission decision is made in
// src/domain/permissions.ts (issue 14): elsewhere, code asks `can`/`assertCan` or a visibility
// clause and never looks at the caller's role itself.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');
const POLICY = 'domain/permissions.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(SRC, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith('generated/'));
}

/** What only the policy may do: each pattern with the reason it is one. */
const decisions: [RegExp, string][] = [
  // `viewer.role`, `ctx.viewer?.role`, `request.ctx.viewer!.role`, `viewer['role']`, `currentViewer.role`
  [/\w*viewer\w*\s*[?!]?\s*(\.\s*role\b|\[\s*['"]role['"]\s*\])/i, "reads the viewer's role"],
  // `const { role } = viewer` / `ctx.viewer`
  [/\{[^}]*\brole\b[^}]*\}\s*=\s*(\w+\.)*viewer\b/, "destructures the viewer's role"],
  [/\bis(Staff|Admin)\s*\(/, 'calls a role check of its own'],
  // `viewer.kind === 'agent'` is the staff check spelled out. Code that needs the kind to pick a
  // table or an id column takes the viewer as a PersonRef (viewerRef) and compares that.
  [/\w*viewer\w*\s*[?!]?\s*\.\s*kind\s*[!=]==/i, "compares the viewer's kind"],
  // The "matches nothing" clause that hides an object: personVisibility and NOTHING own it.
  [/\{\s*id\s*:\s*-1\s*\}/, 'builds a hide-everything where clause'],
];

/** `file:line: reason` for every decision outside the policy module; comments are skipped. */
function violations(files: Record<string, string>) {
  const found: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (file === POLICY) continue;
    text.split('\n').forEach((line, index) => {
      const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
      for (const [pattern, reason] of decisions) {
        if (pattern.test(code)) found.push(`${file}:${index + 1}: ${reason}: ${line.trim()}`);
      }
    });
  }
  return found;
}

const read = (files: string[]) => Object.fromEntries(files.map((f) => [f, readFileSync(path.join(SRC, f), 'utf8')]));

describe('permission decisions live in src/domain/permissions.ts', () => {
  it('finds the source files it checks, the policy among them', () => {
    const files = sourceFiles(SRC);
    expect(files).toContain(POLICY);
    expect(files).toContain('schema/ticket/type.ts');
    expect(files.length).toBeGreaterThan(50);
  });

  it('no other file under src/ reads the role, checks staff or admin itself, or hides with { id: -1 }', () => {
    expect(violations(read(sourceFiles(SRC)))).toEqual([]);
  });

  it('catches each kind of decision it forbids, and not identity checks or comments', () => {
    const found = violations({
      'schema/a.ts': "if (ctx.viewer?.role === 'ADMIN') return;",
      'schema/b.ts': "const admin = viewer!.role === 'ADMIN';",
      'rest/c.ts': 'const { kind, role } = request.ctx.viewer;',
      'schema/d.ts': 'const staff = isStaff(ctx.viewer);',
      'schema/e.ts': 'return allowed ? { id: Number(id) } : { id: -1 };',
      'http/g.ts': "const admin = currentViewer['role'] === 'ADMIN';",
      'rest/h.ts': "if (request.ctx.viewer.kind !== 'customer') throw new RestError(404, 'no');",
      // Allowed: the person's own role field, identity by kind and id, comments.
      'domain/people.ts': "if (agent.role === 'ADMIN' && data.role === 'AGENT') count++;",
      'http/rate-limit.ts': "return viewer.kind + ':' + viewer.id;",
      'schema/f.ts': '// isStaff(viewer) used to be here',
      [POLICY]: "const isAdmin = (viewer) => viewer.kind === 'agent' && viewer.role === 'ADMIN';",
    });
    expect(found.map((v) => v.split(':')[0])).toEqual([
      'schema/a.ts',
      'schema/b.ts',
      'rest/c.ts',
      'schema/d.ts',
      'schema/e.ts',
      'http/g.ts',
      'rest/h.ts',
    ]);
  });
});

// Mutations orchestrate in the domain (issue 14): a resolver parses its arguments, calls one
// use-case in src/domain/ and maps its DomainErrors; it never writes through Prisma itself.
const WRITE =
  /(\w+|\))\s*\.\s*(createMany|updateMany|deleteMany|create|update|delete|upsert|\$executeRaw\w*|\$transaction)\s*[(`]/g;
/** Calls with these names that are not Prisma's: `Object.create(proto)`, `createHash(…).update(text)`. */
const notPrisma = (receiver: string, line: string) => receiver === 'Object' || /createHash\(/.test(line);

/** `file:line: call` for every Prisma write under src/schema/; comments are skipped. */
function schemaWrites(files: Record<string, string>) {
  const found: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (!file.startsWith('schema/')) continue;
    const code = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/.*$/gm, '');
    for (const match of code.matchAll(WRITE)) {
      const line = code.slice(0, match.index + match[0].length).split('\n').length;
      const lineText = code.split('\n')[line - 1] ?? '';
      if (!notPrisma(match[1]!, lineText)) found.push(`${file}:${line}: ${match[2]}`);
    }
  }
  return found;
}

describe('resolvers in src/schema/ do not write through Prisma', () => {
  it('no file under src/schema/ calls a Prisma write method', () => {
    expect(schemaWrites(read(sourceFiles(SRC)))).toEqual([]);
  });

  it('catches each write, also across lines, and not reads, other objects or comments', () => {
    const found = schemaWrites({
      'schema/a.ts': 'await ctx.prisma.apiKey.update({ where: { id } });',
      'schema/b.ts': 'await ctx.prisma.ticketWatcher\n  .create({ data })\n  .catch(() => {});',
      'schema/c.ts': 'await ctx.prisma.ticketWatcher.deleteMany({ where });',
      'schema/d.ts': 'await ctx.prisma.$transaction(async (tx) => tx.ticket.upsert(args));',
      'schema/e.ts': 'await ctx.prisma.$executeRaw`SELECT 1`;',
      'schema/f.ts': 'await prisma.customFieldDefinition.createMany({ data });',
      // Allowed: reads, other objects' methods, comments, and writes outside src/schema/.
      'schema/g.ts': "ctx.prisma.ticket.findMany(query); Object.create(ctx); createHash('md5').update(email);",
      'schema/h.ts': '// ctx.prisma.ticket.delete({ where }) used to be here\n/* prisma.x.update() */',
      'domain/tickets.ts': 'await prisma.ticket.delete({ where: { id } });',
    });
    expect(found).toEqual([
      'schema/a.ts:1: update',
      'schema/b.ts:2: create',
      'schema/c.ts:1: deleteMany',
      'schema/d.ts:1: $transaction',
      'schema/d.ts:1: upsert',
      'schema/e.ts:1: $executeRaw',
      'schema/f.ts:1: createMany',
    ]);
  });
});

// Files a newcomer can hold in their head (issue 14): past 300 lines a module is split by concern,
// a large GraphQL type into a folder (src/schema/ticket/, customer/, agent/).
const MAX_LINES = 300;

const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** `file: n lines` for every file over the limit. */
const longFiles = (files: Record<string, string>) =>
  Object.entries(files)
    .filter(([, text]) => lineCount(text) > MAX_LINES)
    .map(([file, text]) => `${file}: ${lineCount(text)} lines`);

describe('no source file is over 300 lines', () => {
  it('every file under src/ (except src/generated) has at most 300 lines', () => {
    expect(longFiles(read(sourceFiles(SRC)))).toEqual([]);
  });

  it('counts lines as an editor shows them', () => {
    const lines = (n: number) => 'x\n'.repeat(n);
    expect(longFiles({ 'a.ts': lines(300), 'b.ts': lines(301), 'c.ts': `${lines(300)}x` })).toEqual([
      'b.ts: 301 lines',
      'c.ts: 301 lines',
    ]);
  });
});
