// What happens on tickets: watchers, attachment rows (no files) and comments, all dated between
// a ticket's creation and its last activity.
import { createHash } from 'node:crypto';
import { Batch } from '../bulk-insert.ts';
import type { SeedRun } from '../run.ts';
import { AGENT_REPLIES, ATTACHMENT_KINDS, CUSTOMER_REPLIES, PRIVATE_NOTES, SENTENCES } from '../vocabulary/tickets.ts';
import type { SeededCustomers } from './people.ts';
import type { SeededTickets } from './tickets.ts';

/** Watchers: 0-3 per ticket, agents and customers. Returns how many were written. */
export async function seedWatchers(
  run: SeedRun,
  tickets: SeededTickets,
  agentIds: number[],
  customers: SeededCustomers,
) {
  const { prisma, rnd, batchSize, progress } = run;
  const { count: ticketCount, ids: ticketIds, created, updated, assigneeOf, reporterCustomerOf } = tickets;
  const { count: customerCount, ids: customerIds, person: customerPerson } = customers;
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
  return watchers;
}

/** Attachments: rows only, on ~10% of tickets. Returns how many were written. */
export async function seedAttachments(run: SeedRun, tickets: SeededTickets) {
  const { prisma, rnd, runTag, batchSize, progress } = run;
  const { count: ticketCount, ids: ticketIds, created } = tickets;
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
  return attachments;
}

/** Comments: between the ticket's creation and its last activity; `commentsPerTicket` on average. */
export async function seedComments(
  run: SeedRun,
  tickets: SeededTickets,
  commentsPerTicket: number,
  agentIds: number[],
  customers: SeededCustomers,
) {
  const { prisma, rnd, batchSize, progress } = run;
  const {
    count: ticketCount,
    ids: ticketIds,
    created,
    updated,
    assigneeOf,
    reporterCustomerOf,
    commentCount,
  } = tickets;
  const { count: customerCount, ids: customerIds } = customers;
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
  return comments;
}
