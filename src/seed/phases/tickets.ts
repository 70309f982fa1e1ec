// The tickets phase: creation times in order, branches weighted by how busy they are, numbers
// from the one allocator (a block per branch), statuses that age, reporters, assignees and tags.
import { reserveTicketNumbers, type TicketNumbers } from '../../domain/ticket-numbers.ts';
import { newUniqueId } from '../../domain/tickets.ts';
import { Batch, reserveIds } from '../bulk-insert.ts';
import { DAY, type SeedRun } from '../run.ts';
import { SOURCE_OF_CHANNEL } from '../vocabulary/people.ts';
import { OPENERS, PROBLEMS, SENTENCES, TAGS, THINGS } from '../vocabulary/tickets.ts';
import type { SeededBranch, SeededCustomers } from './people.ts';

export type SeededTickets = Awaited<ReturnType<typeof seedTickets>>;

export async function seedTickets(
  run: SeedRun,
  ticketCount: number,
  commentsPerTicket: number,
  branches: SeededBranch[],
  agentIds: number[],
  customers: SeededCustomers,
) {
  const { prisma, rnd, now, batchSize, progress } = run;
  const yearAgo = now - 365 * DAY;
  const { count: customerCount, ids: customerIds, channel: customerChannel, blocked: customerBlocked } = customers;
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
  return {
    count: ticketCount,
    ids: ticketIds,
    created,
    updated,
    assigneeOf,
    reporterCustomerOf,
    commentCount,
  };
}
