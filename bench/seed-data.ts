// Bulk generator of realistic helpdesk data for benchmarks and manual testing (`npm run seed`).
//
// Speed: every table is filled with one `INSERT ... SELECT FROM unnest($1::int[], $2::text[], ...)`
// statement per batch. Each column travels as ONE array parameter, so a batch of 10,000 rows is
// still a handful of parameters (no 65,535-parameter ceiling, no per-row statements), and the
// same SQL works on PGlite and PostgreSQL. Ids of rows other rows point to (agents, customers,
// tickets) are reserved up front from the tables' own sequences with nextval(), so the seeder
// knows them without RETURNING and the sequences stay correct for the server afterwards.
//
// Ticket numbers come from src/domain/ticket-numbers.ts like every other ticket's: before the
// tickets are written, each branch's block of numbers is reserved in one atomic statement, so
// seeding into a database that already has tickets (or a running server) appends after the
// existing numbers and never collides.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { fullNameOf } from '../src/domain/customers.ts';
import { reserveTicketNumbers, type TicketNumbers } from '../src/domain/ticket-numbers.ts';
import { newUniqueId } from '../src/domain/tickets.ts';
import type { PrismaClient } from '../src/generated/prisma/client.ts';

export interface SeedProgress {
  /** A phase begins; `total` rows will be written in it. */
  start(phase: string, total: number): void;
  /** `rows` more rows of the current phase were written. */
  advance(rows: number): void;
  /** The current phase is done. */
  stop(): void;
}

export interface SeedOptions {
  tickets: number;
  /** Average comments per ticket; the total is exactly tickets × this. Default 5. */
  commentsPerTicket?: number;
  /** New agents to create. Default 50. */
  agents?: number;
  /** New customer profiles to create. Default tickets / 5 (at least 10). */
  customers?: number;
  /** Empty every helpdesk table first (keeps _prisma_migrations). Default false: append. */
  reset?: boolean;
  /** Seed of the pseudo-random generator that picks names, texts, statuses... Default 1. */
  randomSeed?: number;
  /** Rows per INSERT statement. Default 5,000. */
  batchSize?: number;
  /** End of the one-year window the timestamps fall in. Default: now. */
  now?: Date;
  progress?: SeedProgress;
}

export interface SeedSummary {
  branches: number;
  branchesCreated: number;
  agents: number;
  customers: number;
  linkGroups: number;
  tickets: number;
  watchers: number;
  comments: number;
  attachments: number;
  /** All rows written (branches created + agents + customers + tickets + watchers + comments + attachments). */
  rows: number;
  seconds: number;
}

// ----------------------------------------------------------------------------------------------
// Reference data

const BRANCHES: { key: string; name: string; description: string; tags: string[] }[] = [
  {
    key: 'SUP',
    name: 'General Support',
    description: 'First line for everything that fits nowhere else.',
    tags: ['support'],
  },
  {
    key: 'BILL',
    name: 'Billing',
    description: 'Invoices, refunds, payment methods and plans.',
    tags: ['billing', 'finance'],
  },
  {
    key: 'TECH',
    name: 'Technical Support',
    description: 'Bugs, outages and integration problems.',
    tags: ['technical'],
  },
  {
    key: 'ACC',
    name: 'Accounts',
    description: 'Sign-in, passwords, two-factor and account ownership.',
    tags: ['accounts'],
  },
  { key: 'SHIP', name: 'Shipping', description: 'Deliveries, tracking numbers and returns.', tags: ['logistics'] },
  { key: 'SALES', name: 'Sales', description: 'Quotes, trials, upgrades and enterprise contracts.', tags: ['sales'] },
  { key: 'MOB', name: 'Mobile Apps', description: 'The iOS and Android applications.', tags: ['mobile'] },
  {
    key: 'API',
    name: 'Developer API',
    description: 'REST and GraphQL API questions from integrators.',
    tags: ['developers'],
  },
  {
    key: 'SEC',
    name: 'Security',
    description: 'Vulnerability reports, abuse and compliance requests.',
    tags: ['security'],
  },
  { key: 'HW', name: 'Hardware', description: 'Devices, warranty and repairs.', tags: ['hardware'] },
];

const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Oliver',
  'Sophia',
  'Elijah',
  'Isabella',
  'Lucas',
  'Mia',
  'Mason',
  'Amelia',
  'Ethan',
  'Harper',
  'Logan',
  'Evelyn',
  'James',
  'Abigail',
  'Aiden',
  'Emily',
  'Jackson',
  'Ella',
  'Sebastian',
  'Elizabeth',
  'Mateo',
  'Camila',
  'Henry',
  'Luna',
  'Alexander',
  'Sofia',
  'Daniel',
  'Avery',
  'Michael',
  'Mila',
  'Samuel',
  'Aria',
  'David',
  'Scarlett',
  'Joseph',
  'Penelope',
  'Carter',
  'Layla',
  'Owen',
  'Chloe',
  'Wyatt',
  'Victoria',
  'John',
  'Madison',
  'Jack',
  'Eleanor',
  'Luke',
  'Grace',
  'Jayden',
  'Nora',
  'Dylan',
  'Riley',
  'Leo',
  'Zoey',
  'Yuki',
  'Hiro',
  'Priya',
  'Arjun',
  'Fatima',
  'Omar',
  'Ingrid',
  'Lars',
  'Chiara',
  'Marco',
  'Anya',
  'Dmitri',
];
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Tanaka',
  'Sato',
  'Patel',
  'Singh',
  'Kowalski',
  'Novak',
  'Ivanova',
  'Petrov',
  'Rossi',
  'Bianchi',
  'Müller',
  'Schmidt',
  'Larsen',
  'Johansson',
  "O'Brien",
];
const COMPANIES = [
  'Acme Corp',
  'Globex',
  'Initech',
  'Umbrella Health',
  'Stark Industries',
  'Wayne Logistics',
  'Hooli',
  'Soylent',
  'Vandelay Imports',
  'Wonka Foods',
  'Cyberdyne Systems',
  'Tyrell Labs',
  'Aperture Science',
  'Oscorp',
  'Pied Piper',
  'Monsters Inc',
  'Gringotts',
  'Dunder Mifflin',
  'Prestige Worldwide',
  'Blue Sun',
];
const POSITIONS = [
  'CEO',
  'CTO',
  'Office Manager',
  'Accountant',
  'Developer',
  'Buyer',
  'Head of IT',
  'Marketing Lead',
  'Owner',
];
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.test', 'inbox.test'];
const LANGUAGES = ['en', 'en', 'en', 'en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl', 'ja'];
const TIMEZONES = [
  null,
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Warsaw',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Australia/Sydney',
];

type Channel = 'EMAIL' | 'PHONE' | 'WEB' | 'TELEGRAM' | 'WHATSAPP' | 'FACEBOOK' | 'TWITTER' | 'VIBER' | 'VK' | 'CUSTOM';
const CHANNEL_WEIGHTS: [Channel, number][] = [
  ['EMAIL', 50],
  ['WEB', 12],
  ['PHONE', 8],
  ['TELEGRAM', 7],
  ['WHATSAPP', 8],
  ['FACEBOOK', 4],
  ['TWITTER', 3],
  ['VIBER', 2],
  ['VK', 2],
  ['CUSTOM', 4],
];
const SOURCE_OF_CHANNEL: Record<Channel, string> = {
  EMAIL: 'EMAIL',
  WEB: 'WEB',
  PHONE: 'PHONE',
  TELEGRAM: 'TELEGRAM',
  WHATSAPP: 'WHATSAPP',
  FACEBOOK: 'FACEBOOK',
  TWITTER: 'TWITTER',
  VIBER: 'VIBER',
  VK: 'VK',
  CUSTOM: 'API',
};

const TAGS = [
  'urgent',
  'vip',
  'refund',
  'invoice',
  'bug',
  'feature-request',
  'login',
  'password',
  'outage',
  'performance',
  'android',
  'ios',
  'integration',
  'shipping-delay',
  'damaged',
  'warranty',
  'gdpr',
  'phishing',
  'upgrade',
  'trial',
  'feedback',
  'duplicate',
  'escalated',
  'follow-up',
  'how-to',
];
const PROBLEMS = [
  'cannot log in',
  'was charged twice',
  'gets a 500 error',
  'is very slow',
  'crashes on start',
  'did not arrive',
  'arrived damaged',
  'shows the wrong total',
  'rejects my card',
  'lost all my settings',
  'keeps logging me out',
  'sends duplicate emails',
  'will not sync',
  'times out',
  'shows an empty page',
  'needs an upgrade quote',
];
const THINGS = [
  'My account',
  'The mobile app',
  'The dashboard',
  'Order #{n}',
  'Invoice {n}',
  'The API',
  'The export',
  'The checkout page',
  'My subscription',
  'The router',
  'The desktop client',
  'Password reset',
  'The webhook',
  'Two-factor authentication',
  'The CSV import',
  'The tracking page',
];
const OPENERS = ['Hello,', 'Hi team,', 'Good morning,', 'Hi there,', 'Dear support,', 'Hey,'];
const SENTENCES = [
  'This started happening yesterday after the update.',
  'I have already tried clearing the cache and restarting.',
  'It worked fine until last week.',
  'Several people in our office see the same thing.',
  'Could you please look into it as soon as possible?',
  'I attached a screenshot of the error message.',
  'We are on the business plan, if that matters.',
  'The problem happens on both Chrome and Firefox.',
  'Our customers are starting to complain about it.',
  'I need this fixed before the end of the month.',
  'Order number and account details are in my profile.',
  'Nothing in the documentation seems to cover this case.',
];
const AGENT_REPLIES = [
  'Thanks for reaching out! I am looking into this now.',
  'Could you tell me which version of the app you are using?',
  'I have forwarded this to our engineering team and will update you as soon as I hear back.',
  'We have issued a refund; it should appear on your statement within 5 business days.',
  'Please try signing out and back in, then let me know if the problem persists.',
  'I can see the issue on our side. A fix is scheduled for the next release.',
  'Could you send us a screenshot of the error and the time it happened?',
  'Your replacement has been shipped; the tracking number is in your account.',
  'I have reset your password; you should receive an email with a link shortly.',
  'Closing this ticket for now; reply to reopen it at any time.',
];
const CUSTOMER_REPLIES = [
  'Thanks, that worked!',
  'Still broken, unfortunately. Same error as before.',
  'I am using the latest version from the app store.',
  'Here is the screenshot you asked for.',
  'Any update on this? It has been a few days.',
  'Great, thank you for the quick help.',
  'I tried that but nothing changed.',
  'The problem came back this morning.',
  'Could you escalate this, please? It is blocking our team.',
  'Perfect, you can close the ticket.',
];
const PRIVATE_NOTES = [
  'Internal: customer is on a legacy plan, check with billing before refunding.',
  'Internal: reproduced on staging, see the engineering board.',
  'Internal: second report of this issue today, probably related to the outage.',
  'Internal: VIP account, handle with priority.',
  'Internal: waiting for the warehouse to confirm the shipment.',
];
const ATTACHMENT_KINDS: { name: string; contentType: string; min: number; max: number }[] = [
  { name: 'screenshot.png', contentType: 'image/png', min: 40_000, max: 2_000_000 },
  { name: 'photo.jpg', contentType: 'image/jpeg', min: 80_000, max: 5_000_000 },
  { name: 'invoice.pdf', contentType: 'application/pdf', min: 20_000, max: 800_000 },
  { name: 'error.log', contentType: 'text/plain', min: 500, max: 200_000 },
  { name: 'export.csv', contentType: 'text/csv', min: 1_000, max: 3_000_000 },
  {
    name: 'report.docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    min: 10_000,
    max: 600_000,
  },
];

// ----------------------------------------------------------------------------------------------
// Pseudo-random helpers (mulberry32: tiny, fast, reproducible from --seed)

class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly [T, number][]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

// ----------------------------------------------------------------------------------------------
// Bulk insert through unnest(): one parameter per column, any number of rows.

type PgType = 'int' | 'text' | 'bool' | 'timestamp' | 'textarray' | `"${string}"`;
interface Column {
  name: string;
  type: PgType;
  values: unknown[];
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A PostgreSQL array literal; every element quoted, so any text survives. */
function arrayLiteral(values: readonly unknown[], type: PgType): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (type === 'int') parts[i] = String(v);
    else if (type === 'bool') parts[i] = v ? 't' : 'f';
    else if (type === 'timestamp') parts[i] = quote(new Date(v as number).toISOString().slice(0, -1));
    else if (type === 'textarray') parts[i] = quote(`{${(v as string[]).map(quote).join(',')}}`);
    else parts[i] = quote(String(v));
  }
  return `{${parts.join(',')}}`;
}

async function insertRows(prisma: PrismaClient, table: string, columns: Column[], suffix = '') {
  if (columns.length === 0 || columns[0]!.values.length === 0) return 0;
  // Nested arrays cannot go through unnest() (it flattens them), so a text[] column travels as
  // text literals and is cast back per row.
  const castOf = (type: PgType) => (type === 'textarray' ? 'text' : type === 'timestamp' ? 'timestamp(3)' : type);
  const params = columns.map((c, i) => `$${i + 1}::${castOf(c.type)}[]`);
  const names = columns.map((_, i) => `c${i}`);
  const select = columns.map((c, i) => (c.type === 'textarray' ? `c${i}::text[]` : `c${i}`));
  const sql =
    `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) ` +
    `SELECT ${select.join(', ')} FROM unnest(${params.join(', ')}) AS u(${names.join(', ')}) ${suffix}`;
  return prisma.$executeRawUnsafe(sql, ...columns.map((c) => arrayLiteral(c.values, c.type)));
}

/** Takes `count` ids from the table's id sequence, as the server's own inserts would. */
async function reserveIds(prisma: PrismaClient, table: string, count: number): Promise<number[]> {
  if (count === 0) return [];
  const rows = await prisma.$queryRawUnsafe<{ id: number }[]>(
    `SELECT nextval(pg_get_serial_sequence('"${table}"', 'id'))::int AS id FROM generate_series(1, $1::int)`,
    count,
  );
  return rows.map((r) => r.id);
}

/** Column-wise row buffer: push rows, flush as one statement. */
class Batch {
  private readonly cols: Column[];
  private readonly table: string;
  constructor(table: string, spec: [string, PgType][]) {
    this.table = table;
    this.cols = spec.map(([name, type]) => ({ name, type, values: [] }));
  }
  get size() {
    return this.cols[0]!.values.length;
  }
  push(...values: unknown[]) {
    for (let i = 0; i < this.cols.length; i++) this.cols[i]!.values.push(values[i]);
  }
  async flush(prisma: PrismaClient, suffix = '') {
    const n = await insertRows(prisma, this.table, this.cols, suffix);
    for (const c of this.cols) c.values = [];
    return n;
  }
}

// ----------------------------------------------------------------------------------------------

const DAY = 86_400_000;
const quiet: SeedProgress = { start() {}, advance() {}, stop() {} };

/** Empties every table of the helpdesk schema except Prisma's migration history. */
export async function resetDatabase(prisma: PrismaClient) {
  const tables = await prisma.$queryRawUnsafe<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`,
  );
  if (tables.length === 0) return;
  await prisma.$executeRawUnsafe(
    `TRUNCATE TABLE ${tables.map((t) => `"${t.tablename.replace(/"/g, '""')}"`).join(', ')} RESTART IDENTITY CASCADE`,
  );
}

export async function seed(prisma: PrismaClient, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const ticketCount = options.tickets;
  const commentsPerTicket = options.commentsPerTicket ?? 5;
  const agentCount = options.agents ?? 50;
  const customerCount = options.customers ?? Math.max(10, Math.round(ticketCount / 5));
  const batchSize = options.batchSize ?? 5000;
  const progress = options.progress ?? quiet;
  const rnd = new Random(options.randomSeed ?? 1);
  const now = (options.now ?? new Date()).getTime();
  const yearAgo = now - 365 * DAY;
  // Emails and custom ids carry a tag per run, so a second run appends instead of colliding.
  const runTag = randomBytes(3).toString('hex');
  for (const [name, value, min] of [
    ['tickets', ticketCount, 0],
    ['commentsPerTicket', commentsPerTicket, 0],
    ['agents', agentCount, 1],
    ['customers', customerCount, 1],
    ['batchSize', batchSize, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min)
      throw new RangeError(`${name} must be an integer >= ${min} (got ${value})`);
  }

  if (options.reset) await resetDatabase(prisma);

  // ---- agents -------------------------------------------------------------------------------
  progress.start('agents', agentCount);
  const agentIds = await reserveIds(prisma, 'Agent', agentCount);
  {
    const batch = new Batch('Agent', [
      ['id', 'int'],
      ['email', 'text'],
      ['firstName', 'text'],
      ['lastName', 'text'],
      ['role', '"AgentRole"'],
      ['timezone', 'text'],
      ['timeFormat', '"TimeFormat"'],
      ['editMethod', '"EditMethod"'],
      ['isPartTime', 'bool'],
      ['reviewer', 'bool'],
      ['createdAt', 'timestamp'],
      ['updatedAt', 'timestamp'],
    ]);
    for (let i = 0; i < agentCount; i++) {
      const first = rnd.pick(FIRST_NAMES);
      const last = rnd.pick(LAST_NAMES);
      const created = now - 400 * DAY - rnd.next() * 700 * DAY;
      batch.push(
        agentIds[i],
        `${emailPart(first)}.${emailPart(last)}.${i + 1}.${runTag}@support.example.com`,
        first,
        last,
        i < Math.max(1, Math.round(agentCount / 12)) ? 'ADMIN' : 'AGENT',
        rnd.pick(TIMEZONES),
        rnd.chance(0.3) ? 'H12' : 'H24',
        rnd.chance(0.25) ? 'MARKDOWN' : 'HTML',
        rnd.chance(0.1),
        rnd.chance(0.15),
        created,
        created + rnd.next() * 300 * DAY,
      );
      if (batch.size >= batchSize) progress.advance(await batch.flush(prisma));
    }
    progress.advance(await batch.flush(prisma));
  }
  progress.stop();

  // ---- branches (reused by key when they exist already) --------------------------------------
  progress.start('branches', BRANCHES.length);
  let branchesCreated = 0;
  {
    const batch = new Batch('Branch', [
      ['key', 'text'],
      ['name', 'text'],
      ['description', 'text'],
      ['tags', 'textarray'],
      ['defaultAssigneeId', 'int'],
      ['createdAt', 'timestamp'],
      ['updatedAt', 'timestamp'],
    ]);
    for (const b of BRANCHES) {
      const created = now - 420 * DAY + rnd.next() * 30 * DAY;
      batch.push(b.key, b.name, b.description, b.tags, rnd.pick(agentIds), created, created);
    }
    branchesCreated = await batch.flush(prisma, 'ON CONFLICT ("key") DO NOTHING');
  }
  const branches = await prisma.branch.findMany({
    where: { key: { in: BRANCHES.map((b) => b.key) } },
    select: { id: true, key: true, defaultAssigneeId: true },
    orderBy: { id: 'asc' },
  });
  progress.advance(BRANCHES.length);
  progress.stop();

  // ---- customers: persons with 1-3 linked profiles on different channels ----------------------
  progress.start('customers', customerCount);
  const customerIds = await reserveIds(prisma, 'Customer', customerCount);
  const customerChannel: Channel[] = new Array(customerCount);
  const customerBlocked = new Uint8Array(customerCount);
  const customerPerson = new Int32Array(customerCount); // index of the person's first profile
  let linkGroups = 0;
  {
    const batch = new Batch('Customer', [
      ['id', 'int'],
      ['email', 'text'],
      ['firstName', 'text'],
      ['lastName', 'text'],
      ['fullName', 'text'],
      ['phone', 'text'],
      ['whatsappPhone', 'text'],
      ['companyName', 'text'],
      ['companyPosition', 'text'],
      ['language', 'text'],
      ['channel', '"CustomerChannel"'],
      ['channelExternalId', 'text'],
      ['customId', 'text'],
      ['customChannel', 'text'],
      ['confirmed', 'bool'],
      ['blocked', 'bool'],
      ['blockedAt', 'timestamp'],
      ['linkGroup', 'text'],
      ['note', 'text'],
      ['createdAt', 'timestamp'],
      ['updatedAt', 'timestamp'],
    ]);
    let i = 0;
    while (i < customerCount) {
      const profiles = Math.min(
        customerCount - i,
        rnd.weighted<number>([
          [1, 85],
          [2, 11],
          [3, 4],
        ]),
      );
      const first = rnd.pick(FIRST_NAMES);
      const last = rnd.chance(0.95) ? rnd.pick(LAST_NAMES) : '';
      const phone = `+${rnd.int(1, 49)}${rnd.int(200_000_000, 999_999_999)}`;
      const company = rnd.chance(0.4) ? rnd.pick(COMPANIES) : null;
      const language = rnd.pick(LANGUAGES);
      const group = profiles > 1 ? randomUUID() : null;
      if (group) linkGroups++;
      const blocked = rnd.chance(0.01);
      const personStart = i;
      const used = new Set<Channel>();
      for (let p = 0; p < profiles; p++, i++) {
        let channel = rnd.weighted(CHANNEL_WEIGHTS);
        while (used.has(channel)) channel = rnd.weighted(CHANNEL_WEIGHTS);
        used.add(channel);
        const created = now - 366 * DAY - rnd.next() * 700 * DAY;
        const hasEmail = channel === 'EMAIL' || channel === 'WEB' || (channel === 'CUSTOM' && rnd.chance(0.5));
        const hasPhone = channel === 'PHONE' || channel === 'WHATSAPP' || channel === 'VIBER';
        const external = ['TELEGRAM', 'FACEBOOK', 'TWITTER', 'VIBER', 'VK'].includes(channel)
          ? String(rnd.int(10_000_000, 2_000_000_000))
          : null;
        customerChannel[i] = channel;
        customerBlocked[i] = blocked ? 1 : 0;
        customerPerson[i] = personStart;
        batch.push(
          customerIds[i],
          hasEmail
            ? `${emailPart(first)}.${emailPart(last || 'x')}.${i + 1}.${runTag}@${rnd.pick(EMAIL_DOMAINS)}`
            : null,
          first,
          last,
          fullNameOf(first, last),
          hasPhone || rnd.chance(0.2) ? phone : null,
          channel === 'WHATSAPP' ? phone : null,
          company,
          company && rnd.chance(0.6) ? rnd.pick(POSITIONS) : null,
          language,
          channel,
          external,
          channel === 'CUSTOM' ? `crm-${runTag}-${i + 1}` : null,
          channel === 'CUSTOM' ? String(rnd.int(1, 3)) : null,
          hasEmail && rnd.chance(0.8),
          blocked,
          blocked ? now - rnd.next() * 200 * DAY : null,
          group,
          rnd.chance(0.05) ? 'Prefers to be contacted in the morning.' : null,
          created,
          created + rnd.next() * 300 * DAY,
        );
        if (batch.size >= batchSize) progress.advance(await batch.flush(prisma));
      }
    }
    progress.advance(await batch.flush(prisma));
  }
  progress.stop();

  // ---- tickets ------------------------------------------------------------------------------
  // Creation times are sorted, so ids, per-branch numbers and dates all grow together.
  const created = new Float64Array(ticketCount);
  for (let i = 0; i < ticketCount; i++) created[i] = yearAgo + rnd.next() * (365 * DAY - 3_600_000);
  created.sort();
  const branchOf = new Uint16Array(ticketCount);
  const perBranch = new Array<number>(branches.length).fill(0);
  // Some branches are much busier than others.
  const branchWeights = branches.map((_, i) => [i, 1 + ((i * 7) % 5) * 2] as [number, number]);
  for (let i = 0; i < ticketCount; i++) {
    const b = rnd.weighted(branchWeights);
    branchOf[i] = b;
    perBranch[b]!++;
  }
  // Each branch's block of numbers in one statement, as createTicket takes one number.
  const blocks = new Array<TicketNumbers | undefined>(branches.length);
  const nextNumber = new Array<number>(branches.length).fill(1);
  for (let b = 0; b < branches.length; b++) {
    if (perBranch[b] === 0) continue;
    blocks[b] = await reserveTicketNumbers(prisma, branches[b]!.id, perBranch[b]);
    nextNumber[b] = blocks[b]!.first;
  }

  // Total comments exactly tickets × commentsPerTicket, unevenly spread.
  const commentCount = new Uint16Array(ticketCount).fill(commentsPerTicket);
  if (commentsPerTicket > 0) {
    for (let k = 0; k < ticketCount; k++) {
      const from = rnd.int(0, ticketCount - 1);
      const to = rnd.int(0, ticketCount - 1);
      const move = Math.min(commentCount[from]!, rnd.int(0, commentsPerTicket), 60_000 - commentCount[to]!);
      commentCount[from]! -= move;
      commentCount[to]! += move;
    }
  }

  const ticketIds = new Int32Array(ticketCount);
  const updated = new Float64Array(ticketCount);
  const assigneeOf = new Int32Array(ticketCount); // 0: none
  const reporterAgentOf = new Int32Array(ticketCount); // 0: reported by a customer
  const reporterCustomerOf = new Int32Array(ticketCount); // customer index + 1; 0: reported by an agent

  progress.start('tickets', ticketCount);
  {
    const batch = new Batch('Ticket', [
      ['id', 'int'],
      ['key', 'text'],
      ['number', 'int'],
      ['uniqueId', 'text'],
      ['subject', 'text'],
      ['description', 'text'],
      ['status', '"TicketStatus"'],
      ['priority', '"TicketPriority"'],
      ['source', '"TicketSource"'],
      ['tags', 'textarray'],
      ['spam', 'bool'],
      ['branchId', 'int'],
      ['reporterAgentId', 'int'],
      ['reporterCustomerId', 'int'],
      ['assigneeId', 'int'],
      ['createdAt', 'timestamp'],
      ['updatedAt', 'timestamp'],
    ]);
    for (let start = 0; start < ticketCount; start += batchSize) {
      const end = Math.min(ticketCount, start + batchSize);
      const ids = await reserveIds(prisma, 'Ticket', end - start);
      for (let i = start; i < end; i++) {
        const b = branchOf[i]!;
        const branch = branches[b]!;
        const number = nextNumber[b]!++;
        const id = ids[i - start]!;
        ticketIds[i] = id;
        const createdAt = created[i]!;
        const age = (now - createdAt) / DAY;
        // Recent tickets are still open; old ones mostly closed.
        const status =
          age > 30
            ? rnd.weighted<string>([
                ['CLOSED', 85],
                ['OPEN', 4],
                ['PENDING', 4],
                ['ON_HOLD', 4],
                ['IN_PROGRESS', 3],
              ])
            : rnd.weighted<string>([
                ['NEW', 25],
                ['OPEN', 25],
                ['IN_PROGRESS', 20],
                ['PENDING', 12],
                ['ON_HOLD', 5],
                ['CLOSED', 13],
              ]);
        const byAgent = rnd.chance(0.12);
        let reporterCustomer: number | null = null;
        let reporterAgent: number | null = null;
        let source: string;
        let spam = false;
        if (byAgent) {
          reporterAgent = rnd.pick(agentIds);
          source = rnd.weighted<string>([
            ['PHONE', 40],
            ['EMAIL', 30],
            ['WEB', 20],
            ['OTHER', 10],
          ]);
          reporterAgentOf[i] = reporterAgent;
        } else {
          const c = rnd.int(0, customerCount - 1);
          reporterCustomer = customerIds[c]!;
          reporterCustomerOf[i] = c + 1;
          source = rnd.chance(0.1) ? rnd.pick(['CHAT', 'WEB', 'API']) : SOURCE_OF_CHANNEL[customerChannel[c]!];
          spam = customerBlocked[c] === 1;
        }
        const assignee =
          status === 'NEW' && rnd.chance(0.6)
            ? null
            : rnd.chance(0.6)
              ? (branch.defaultAssigneeId ?? rnd.pick(agentIds))
              : rnd.chance(0.95)
                ? rnd.pick(agentIds)
                : null;
        assigneeOf[i] = assignee ?? 0;
        const lastActivity = Math.min(now, createdAt + 60_000 + rnd.exp(4 * DAY));
        updated[i] = lastActivity;
        const tagCount = rnd.weighted<number>([
          [0, 30],
          [1, 40],
          [2, 20],
          [3, 10],
        ]);
        const tags = new Set<string>();
        while (tags.size < tagCount) tags.add(rnd.pick(TAGS));
        const thing = rnd.pick(THINGS).replace('{n}', String(rnd.int(10_000, 999_999)));
        const subject = `${thing} ${rnd.pick(PROBLEMS)}`;
        const sentences = rnd.int(1, 4);
        let description = `${rnd.pick(OPENERS)}\n\n${subject}.`;
        for (let s = 0; s < sentences; s++) description += ` ${rnd.pick(SENTENCES)}`;
        batch.push(
          id,
          blocks[b]!.keyOf(number),
          number,
          newUniqueId(),
          subject,
          description,
          status,
          rnd.weighted<string>([
            ['LOW', 30],
            ['MEDIUM', 50],
            ['HIGH', 20],
          ]),
          source,
          [...tags],
          spam,
          branch.id,
          reporterAgent,
          reporterCustomer,
          assignee,
          createdAt,
          lastActivity,
        );
      }
      progress.advance(await batch.flush(prisma));
    }
  }
  progress.stop();

  // ---- watchers: 0-3 per ticket, agents and customers ------------------------------------------
  const watcherCounts = new Uint8Array(ticketCount);
  let watcherTotal = 0;
  for (let i = 0; i < ticketCount; i++) {
    watcherTotal += watcherCounts[i] = rnd.weighted<number>([
      [0, 40],
      [1, 30],
      [2, 20],
      [3, 10],
    ]);
  }
  progress.start('watchers', watcherTotal);
  let watchers = 0;
  {
    const batch = new Batch('TicketWatcher', [
      ['ticketId', 'int'],
      ['agentId', 'int'],
      ['customerId', 'int'],
      ['createdAt', 'timestamp'],
    ]);
    for (let i = 0; i < ticketCount; i++) {
      const seenAgents = new Set<number>();
      const seenCustomers = new Set<number>();
      for (let w = 0; w < watcherCounts[i]!; w++) {
        const at = created[i]! + rnd.next() * (updated[i]! - created[i]!);
        const reporter = reporterCustomerOf[i]! - 1;
        // A few retries find someone not yet watching; tiny agent pools may give up.
        for (let attempt = 0; attempt < 20; attempt++) {
          if (rnd.chance(0.6) || reporter < 0) {
            const agent = w === 0 && attempt === 0 && assigneeOf[i] ? assigneeOf[i]! : rnd.pick(agentIds);
            if (seenAgents.has(agent)) continue;
            seenAgents.add(agent);
            batch.push(ticketIds[i], agent, null, at);
          } else {
            // The reporter, another profile of the same person, or a colleague.
            let c = (w === 0 || rnd.chance(0.5)) && attempt < 2 ? reporter : rnd.int(0, customerCount - 1);
            if (c === reporter && customerPerson[c + 1] === customerPerson[c] && rnd.chance(0.5)) c = c + 1;
            const customer = customerIds[c]!;
            if (seenCustomers.has(customer)) continue;
            seenCustomers.add(customer);
            batch.push(ticketIds[i], null, customer, at);
          }
          break;
        }
        if (batch.size >= batchSize) {
          const n = await batch.flush(prisma);
          watchers += n;
          progress.advance(n);
        }
      }
    }
    const n = await batch.flush(prisma);
    watchers += n;
    progress.advance(n);
  }
  progress.stop();

  // ---- attachments: rows only, on ~10% of tickets --------------------------------------------
  const withAttachments: number[] = [];
  for (let i = 0; i < ticketCount; i++) if (rnd.chance(0.1)) withAttachments.push(i);
  let attachments = 0;
  {
    const perTicket = withAttachments.map(() =>
      rnd.weighted<number>([
        [1, 70],
        [2, 20],
        [3, 10],
      ]),
    );
    progress.start(
      'attachments',
      perTicket.reduce((a, b) => a + b, 0),
    );
    const batch = new Batch('Attachment', [
      ['ticketId', 'int'],
      ['filename', 'text'],
      ['contentType', 'text'],
      ['byteSize', 'int'],
      ['sha256', 'text'],
      ['createdAt', 'timestamp'],
      ['updatedAt', 'timestamp'],
    ]);
    for (let t = 0; t < withAttachments.length; t++) {
      const i = withAttachments[t]!;
      for (let a = 0; a < perTicket[t]!; a++) {
        const kind = rnd.pick(ATTACHMENT_KINDS);
        const sha256 = createHash('sha256').update(`seed ${runTag} ${ticketIds[i]} ${a} ${kind.name}`).digest('hex');
        const filename = a === 0 ? kind.name : kind.name.replace('.', `-${a + 1}.`);
        batch.push(
          ticketIds[i],
          filename,
          kind.contentType,
          rnd.int(kind.min, kind.max),
          sha256,
          created[i],
          created[i],
        );
        if (batch.size >= batchSize) {
          const n = await batch.flush(prisma);
          attachments += n;
          progress.advance(n);
        }
      }
    }
    const n = await batch.flush(prisma);
    attachments += n;
    progress.advance(n);
  }
  progress.stop();

  // ---- comments: between the ticket's creation and its last activity -------------------------
  const totalComments = ticketCount * commentsPerTicket;
  progress.start('comments', totalComments);
  let comments = 0;
  {
    const batch = new Batch('Comment', [
      ['ticketId', 'int'],
      ['content', 'text'],
      ['private', 'bool'],
      ['authorAgentId', 'int'],
      ['authorCustomerId', 'int'],
      ['createdAt', 'timestamp'],
      ['updatedAt', 'timestamp'],
    ]);
    const times: number[] = [];
    for (let i = 0; i < ticketCount; i++) {
      const n = commentCount[i]!;
      if (n === 0) continue;
      const from = created[i]!;
      const span = updated[i]! - from;
      times.length = 0;
      for (let c = 0; c < n; c++) times.push(from + 1000 + rnd.next() * Math.max(0, span - 1000));
      times.sort((a, b) => a - b);
      const reporter = reporterCustomerOf[i]! - 1;
      for (let c = 0; c < n; c++) {
        // Replies alternate roughly between the support side and the customer, agent first.
        const byAgent = reporter < 0 || (c % 2 === 0 ? rnd.chance(0.8) : rnd.chance(0.3));
        let content: string;
        let isPrivate = false;
        let agent: number | null = null;
        let customer: number | null = null;
        if (byAgent) {
          agent = assigneeOf[i] && rnd.chance(0.8) ? assigneeOf[i]! : rnd.pick(agentIds);
          isPrivate = rnd.chance(0.17);
          content = isPrivate ? rnd.pick(PRIVATE_NOTES) : `${rnd.pick(AGENT_REPLIES)}\n\nBest regards,\nSupport team`;
        } else {
          customer = customerIds[rnd.chance(0.95) ? reporter : rnd.int(0, customerCount - 1)]!;
          content = rnd.chance(0.5)
            ? rnd.pick(CUSTOMER_REPLIES)
            : `${rnd.pick(CUSTOMER_REPLIES)} ${rnd.pick(SENTENCES)}`;
        }
        batch.push(ticketIds[i], content, isPrivate, agent, customer, times[c], times[c]);
        if (batch.size >= batchSize) {
          const n = await batch.flush(prisma);
          comments += n;
          progress.advance(n);
        }
      }
    }
    const n = await batch.flush(prisma);
    comments += n;
    progress.advance(n);
  }
  progress.stop();

  // Fresh statistics: without them the planner guesses after a bulk load and scans whole tables
  // for per-ticket lookups (measured: 10x slower nested comment lists on PGlite).
  await prisma.$executeRawUnsafe('ANALYZE');

  return {
    branches: branches.length,
    branchesCreated,
    agents: agentCount,
    customers: customerCount,
    linkGroups,
    tickets: ticketCount,
    watchers,
    comments,
    attachments,
    rows: branchesCreated + agentCount + customerCount + ticketCount + watchers + comments + attachments,
    seconds: (performance.now() - started) / 1000,
  };
}

const emailPart = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase() || 'x';
