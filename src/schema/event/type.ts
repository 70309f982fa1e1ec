// The Event type: one change from the event log, as history, the change feed and live
// subscriptions show it (webhooks send the same fields as JSON: src/events/webhooks/payload.ts).
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { builder, INT8_MAX } from '../../builder.ts';
import type { Context } from '../../context.ts';
import { commentChangesNow, eventCommentId } from '../../domain/events/comment-events.ts';
import { readableEvent } from '../../domain/events/read.ts';
import { EVENT_TYPES, type EventRow, type FieldChange, globalId } from '../../domain/events/types.ts';
import { ticketVisibility, visibleChanges } from '../../domain/permissions.ts';
import { Person, type PersonShape } from '../person.ts';
import { Ticket } from '../ticket/type.ts';

const describeType: Record<string, string> = {
  ticket: 'a ticket',
  comment: 'a comment',
  attachment: 'a file',
  watcher: 'a watcher of a ticket',
  customer: 'a customer',
  agent: 'an agent',
};

/** `ticket.created` as the GraphQL enum value `TICKET_CREATED`. */
export const enumName = (type: string) => type.replace('.', '_').toUpperCase();

export const EventTypeEnum = builder.enumType('EventType', {
  description: 'What happened. Webhooks name it in dotted form (`ticket.created`) in `X-Helpdesk-Event`.',
  values: Object.fromEntries(
    EVENT_TYPES.map((type) => {
      const [what, how] = type.split('.') as [string, string];
      return [enumName(type), { value: type, description: `\`${type}\`: ${describeType[what]} was ${how}.` }];
    }),
  ) as Record<string, { value: (typeof EVENT_TYPES)[number]; description: string }>,
});

export const EventSubjectType = builder.enumType('EventSubjectType', {
  description: 'The kind of object an event is about.',
  values: {
    TICKET: { value: 'Ticket', description: 'A ticket (also for its watchers).' },
    COMMENT: { value: 'Comment', description: 'A comment.' },
    ATTACHMENT: { value: 'Attachment', description: 'A file.' },
    CUSTOMER: { value: 'Customer', description: 'A customer.' },
    AGENT: { value: 'Agent', description: 'An agent.' },
  } as const,
});

const FieldChangeRef = builder.objectRef<FieldChange>('FieldChange').implement({
  description:
    'One field of a change, before and after. People, branches and comments are global ids; a creation has `from: null`.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The field, as the object type names it (`status`, `assignee`).' }),
    from: t.field({ type: 'JSON', nullable: true, description: 'The value before.', resolve: (c) => c.from }),
    to: t.field({ type: 'JSON', nullable: true, description: 'The value after.', resolve: (c) => c.to }),
  }),
});

interface SubjectShape {
  type: string;
  id: number;
  key: string | null;
}

const EventSubject = builder.objectRef<SubjectShape>('EventSubject').implement({
  description: 'What an event is about. Still answers after the object is deleted (a tombstone).',
  fields: (t) => ({
    type: t.field({ type: EventSubjectType, description: 'Its kind.', resolve: (s) => s.type as 'Ticket' }),
    id: t.id({
      description: 'Its global id (usable with `node(id:)` while it exists).',
      resolve: (s) => globalId(s.type, s.id),
    }),
    internalId: t.exposeInt('id', { description: 'Its database id.' }),
    key: t.exposeString('key', {
      nullable: true,
      description: "What people call it: a ticket's key, a customer's customId, an agent's username.",
    }),
  }),
});

/** Drops what the loaders below read, so a long-lived context (a subscription) reads afresh. */
export function forgetEventLoads(ctx: Context) {
  delete (ctx as Context & { eventLoaders?: unknown }).eventLoaders;
}

type Loaders = {
  tickets: DataLoader<number, unknown>;
  /** Whether each comment still exists. */
  comments: DataLoader<number, boolean>;
  agents: DataLoader<number, PersonShape | null>;
  customers: DataLoader<number, PersonShape | null>;
};

/** Tickets, comments and people events point to, loaded once per request (a page of history is one ticket). */
function loaders(ctx: Context): Loaders {
  const cache = ctx as Context & { eventLoaders?: Loaders };
  const byId = <T extends { id: number }>(rows: T[], ids: readonly number[]) =>
    ids.map((id) => rows.find((row) => row.id === id) ?? null);
  cache.eventLoaders ??= {
    tickets: new DataLoader(async (ids) =>
      byId(
        await ctx.prisma.ticket.findMany({ where: { id: { in: [...ids] }, AND: [ticketVisibility(ctx.viewer)] } }),
        ids,
      ),
    ),
    comments: new DataLoader(async (ids) => {
      const rows = await ctx.prisma.comment.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
      return ids.map((id) => rows.some((row) => row.id === id));
    }),
    agents: new DataLoader(async (ids) =>
      byId(await ctx.prisma.agent.findMany({ where: { id: { in: [...ids] } } }), ids),
    ),
    customers: new DataLoader(async (ids) =>
      byId(await ctx.prisma.customer.findMany({ where: { id: { in: [...ids] } } }), ids),
    ),
  };
  return cache.eventLoaders;
}

export const Event = builder.node(builder.objectRef<EventRow>('Event'), {
  description:
    'One change, recorded in the same transaction as the change itself. `node(id:)` finds it again when you may see it.',
  id: { resolve: (e) => e.id.toString() },
  loadOne: (id, ctx) => readableEvent(ctx.prisma, ctx.viewer, BigInt(id)),
  fields: (t) => ({
    cursor: t.string({
      description: 'Its position in the event log; pass it as `after` to `events` to resume right after it.',
      resolve: (e) => e.id.toString(),
    }),
    type: t.field({ type: EventTypeEnum, description: 'What happened.', resolve: (e) => e.type as 'ticket.created' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened.' }),
    subject: t.field({
      type: EventSubject,
      description: 'What it is about.',
      resolve: (e) => ({ type: e.subjectType, id: e.subjectId, key: e.subjectKey }),
    }),
    ticket: t.field({
      type: Ticket,
      nullable: true,
      description: 'The ticket it belongs to, as it is now; null when it was deleted, or is none.',
      resolve: (e, _args, ctx) => (e.ticketId === null ? null : (loaders(ctx).tickets.load(e.ticketId) as never)),
    }),
    actor: t.field({
      type: Person,
      nullable: true,
      description: 'Who made the change; null for the system, or a person since erased.',
      resolve: (e, _args, ctx) =>
        e.actorId === null
          ? null
          : e.actorType === 'agent'
            ? loaders(ctx).agents.load(e.actorId)
            : loaders(ctx).customers.load(e.actorId),
    }),
    changes: t.field({
      type: [FieldChangeRef],
      description:
        'What changed, before and after (customers do not see fields only staff see). Empty for a tombstone.',
      resolve: (e, _args, ctx) => {
        const changes = visibleChanges(ctx.viewer, e.subjectType, (e.changes ?? []) as FieldChange[]);
        const commentId = eventCommentId(e);
        if (commentId === null) return changes;
        return commentChangesNow(ctx.viewer, changes, () => loaders(ctx).comments.load(commentId));
      },
    }),
    private: t.exposeBoolean('private', {
      description: 'Only staff see it (a private note, a file on one, an agent, an internal field).',
    }),
  }),
});

const EventEdge = builder.edgeObject({ type: Event, name: 'EventEdge', description: 'An event with its cursor.' });
export const EventConnection = builder.connectionObject(
  { type: Event, name: 'EventConnection', description: 'A page of events.' },
  EventEdge,
);

/** A page of events as the connection type answers it. */
export function eventConnection(page: { rows: EventRow[]; hasNextPage: boolean; hasPreviousPage: boolean }) {
  const edges = page.rows.map((node) => ({ cursor: node.id.toString(), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export const emptyEventConnection = () => eventConnection({ rows: [], hasNextPage: false, hasPreviousPage: false });

/** An event cursor argument: a decimal event id; anything else is the caller's mistake. */
export function parseEventCursor(value: string | null | undefined, argument = 'after'): bigint | null {
  if (value == null) return null;
  if (!/^(0|[1-9][0-9]{0,18})$/.test(value) || BigInt(value) > INT8_MAX) {
    throw new GraphQLError(`"${value.slice(0, 40)}" is not an event cursor (the \`cursor\` of an event).`, {
      extensions: { code: 'BAD_USER_INPUT', argument },
    });
  }
  return BigInt(value);
}

/** Relay's page arguments of an event list, checked: cursors parsed, not both `first` and `last`. */
export function eventWindow(args: {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}) {
  if (args.first != null && args.last != null) {
    throw new GraphQLError('Give `first` or `last`, not both.', {
      extensions: { code: 'BAD_USER_INPUT', argument: 'last' },
    });
  }
  return {
    first: args.first,
    last: args.last,
    after: parseEventCursor(args.after, 'after'),
    before: parseEventCursor(args.before, 'before'),
  };
}
