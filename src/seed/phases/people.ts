// The people and places phases: agents, the ten seed branches (reused by key), customers.
import { randomUUID } from 'node:crypto';
import { fullNameOf } from '../../domain/customers.ts';
import { Batch, reserveIds } from '../bulk-insert.ts';
import { DAY, type SeedRun } from '../run.ts';
import {
  CHANNEL_WEIGHTS,
  type Channel,
  COMPANIES,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LANGUAGES,
  LAST_NAMES,
  POSITIONS,
  TIMEZONES,
} from '../vocabulary/people.ts';
import { BRANCHES } from '../vocabulary/tickets.ts';

/** agents; returns their ids. */
export async function seedAgents(run: SeedRun, agentCount: number): Promise<number[]> {
  const { prisma, rnd, now, runTag, batchSize, progress } = run;
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
  return agentIds;
}

export type SeededBranch = { id: number; key: string; defaultAssigneeId: number | null };

/** Branches, (reused by key when they exist already). */
export async function seedBranches(run: SeedRun, agentIds: number[]) {
  const { prisma, rnd, now, progress } = run;
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
  return { branches: branches as SeededBranch[], branchesCreated };
}

export type SeededCustomers = Awaited<ReturnType<typeof seedCustomers>>;

/** Customers: persons with 1-3 linked profiles on different channels. */
export async function seedCustomers(run: SeedRun, customerCount: number) {
  const { prisma, rnd, now, runTag, batchSize, progress } = run;
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
  return {
    count: customerCount,
    ids: customerIds,
    channel: customerChannel,
    blocked: customerBlocked,
    person: customerPerson,
    linkGroups,
  };
}

const emailPart = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase() || 'x';
