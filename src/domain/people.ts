// Agents (staff, Teamwork Desk fields) and customers (end users, Deskie fields): validation
// shared by GraphQL and the REST adapter. Updates are partial: an absent field stays, an explicit
// null clears a nullable field, and null for a required field is an error.
import type { Clock } from '../clock.ts';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import type {
  AgentRole,
  CustomerChannel,
  EditMethod,
  PersonState,
  TicketReplyRedirect,
  TimeFormat,
} from '../generated/prisma/enums.ts';
import { fullNameOf, splitFullName, validateCustomFields } from './customers.ts';
import { DomainError, isUniqueViolation, Problems, uniqueViolationMentions } from './errors.ts';
import { emailPattern } from './formats.ts';
import { readUsername, usernameTaken, withDefaultUsername } from './usernames.ts';

export type PersonRef = { kind: 'agent'; id: number } | { kind: 'customer'; id: number };

export interface AgentInput {
  email?: string | null;
  /** Login name; default on create: the email's local part (made unique). */
  username?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  role?: AgentRole | null;
  state?: PersonState | null;
  timezone?: string | null;
  timeFormat?: TimeFormat | null;
  editMethod?: EditMethod | null;
  ticketReplyRedirect?: TicketReplyRedirect | null;
  sendPushNotifications?: boolean | null;
  sendWebNotifications?: boolean | null;
  autoFollowOnCC?: boolean | null;
  isPartTime?: boolean | null;
  reviewer?: boolean | null;
  projectsCompanyId?: number | null;
  ldKey?: string | null;
  onboarding?: Record<string, unknown> | null;
  trainingWheelsEnrollment?: Record<string, unknown> | null;
}

export interface CustomerInput {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  /** Deskie's single name field; split into first and last name. */
  fullName?: string | null;
  phone?: string | null;
  whatsappPhone?: string | null;
  companyName?: string | null;
  companyPosition?: string | null;
  note?: string | null;
  language?: string | null;
  customFields?: Record<string, unknown> | null;
  channel?: CustomerChannel | null;
  channelExternalId?: string | null;
  customId?: string | null;
  customChannel?: string | null;
  thumbnailUrl?: string | null;
  confirmed?: boolean | null;
}

/** Reads one text field of a partial update. Returns undefined (leave), null (clear) or the value. */
function text(
  problems: Problems,
  input: Record<string, unknown>,
  field: string,
  options: { max?: number; required?: boolean; nullable?: boolean; notBlank?: boolean } = {},
): string | null | undefined {
  const { max = 255, required = false, nullable = true, notBlank = required } = options;
  const value = input[field];
  if (value === undefined) {
    if (required) problems.add('REQUIRED', `${field} is required.`, [field]);
    return undefined;
  }
  if (value === null) {
    if (required || !nullable) problems.add('REQUIRED', `${field} cannot be cleared.`, [field]);
    return nullable ? null : undefined;
  }
  const clean = String(value).trim();
  if (notBlank && clean === '') problems.add('REQUIRED', `${field} must not be blank.`, [field]);
  if (clean.length > max) problems.add('TOO_LONG', `${field} must be at most ${max} characters.`, [field]);
  if (/[\u0000-\u001f\u007f]/.test(clean))
    problems.add('INVALID', `${field} must not contain control characters.`, [field]);
  return nullable && clean === '' ? null : clean;
}

function email(problems: Problems, input: { email?: string | null }, required: boolean, nullable = true) {
  const value = input.email;
  if (value === null && !nullable) {
    // An agent signs in and is reached by email: null is a mistake, not "leave it" (it used to be ignored).
    problems.add('REQUIRED', 'email cannot be cleared.', ['email']);
    return undefined;
  }
  if (value == null) {
    if (required) problems.add('REQUIRED', 'email is required.', ['email']);
    return value;
  }
  const clean = value.trim().toLowerCase();
  if (!emailPattern.test(clean) || clean.length > 254)
    problems.add('INVALID', 'email is not a valid address.', ['email']);
  return clean;
}

/** Non-nullable flags and enums: null is refused, absent leaves the value. */
function setting<T>(problems: Problems, input: Record<string, unknown>, field: string): T | undefined {
  const value = input[field];
  if (value === null) problems.add('INVALID', `${field} cannot be null.`, [field]);
  return (value ?? undefined) as T | undefined;
}

function timezone(problems: Problems, input: AgentInput) {
  if (input.timezone == null) return input.timezone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: input.timezone });
    return input.timezone;
  } catch {
    problems.add('INVALID', `"${input.timezone}" is not an IANA time zone (for example Europe/London).`, ['timezone']);
    return undefined;
  }
}

function emailTaken() {
  return DomainError.of('TAKEN', 'Another person already uses this email.', ['email']);
}

function agentConflict(error: unknown): never {
  if (usernameTaken(error)) throw DomainError.of('TAKEN', 'Another agent already has this username.', ['username']);
  if (isUniqueViolation(error)) throw emailTaken();
  throw error;
}

/** Fields only admins may set on agents; an agent may change the rest of their own profile. */
export const adminOnlyAgentFields = [
  'email',
  'username',
  'role',
  'state',
  'isPartTime',
  'reviewer',
  'projectsCompanyId',
] as const;

const OPAQUE_JSON_MAX = 10_000;

/** Teamwork's opaque state objects: kept as sent, bounded; null clears. */
function opaque(problems: Problems, input: Record<string, unknown>, field: string) {
  const value = input[field];
  if (value === undefined) return undefined;
  if (value === null) return Prisma.DbNull;
  if (JSON.stringify(value).length > OPAQUE_JSON_MAX)
    problems.add('TOO_LONG', `${field} must be at most ${OPAQUE_JSON_MAX} characters of JSON.`, [field]);
  return value as Prisma.InputJsonObject;
}

function companyId(problems: Problems, input: AgentInput) {
  const value = input.projectsCompanyId;
  if (value != null && (!Number.isInteger(value) || value < 0 || value > 2_147_483_647))
    problems.add('INVALID', 'projectsCompanyId must be a non-negative integer.', ['projectsCompanyId']);
  return value;
}

function agentData(problems: Problems, input: AgentInput, creating: boolean) {
  const raw = input as Record<string, unknown>;
  return {
    email: email(problems, input, creating, false) ?? undefined,
    username: readUsername(problems, input.username),
    firstName:
      text(problems, raw, 'firstName', { max: 100, required: creating, nullable: false, notBlank: true }) ?? undefined,
    lastName: text(problems, raw, 'lastName', { max: 100, nullable: false }) ?? undefined,
    role: setting<AgentRole>(problems, raw, 'role'),
    timezone: timezone(problems, input),
    timeFormat: setting<TimeFormat>(problems, raw, 'timeFormat'),
    editMethod: setting<EditMethod>(problems, raw, 'editMethod'),
    ticketReplyRedirect: setting<TicketReplyRedirect>(problems, raw, 'ticketReplyRedirect'),
    sendPushNotifications: setting<boolean>(problems, raw, 'sendPushNotifications'),
    sendWebNotifications: setting<boolean>(problems, raw, 'sendWebNotifications'),
    autoFollowOnCC: setting<boolean>(problems, raw, 'autoFollowOnCC'),
    isPartTime: setting<boolean>(problems, raw, 'isPartTime'),
    reviewer: setting<boolean>(problems, raw, 'reviewer'),
    projectsCompanyId: companyId(problems, input),
    ldKey: text(problems, raw, 'ldKey'),
    onboarding: opaque(problems, raw, 'onboarding'),
    trainingWheelsEnrollment: opaque(problems, raw, 'trainingWheelsEnrollment'),
  };
}

export async function createAgent(prisma: PrismaClient, input: AgentInput, actorId?: number) {
  const problems = new Problems();
  const data = agentData(problems, input, true);
  problems.throwIfAny();
  const create = (username: string) =>
    prisma.agent.create({
      data: {
        ...data,
        email: data.email!,
        username,
        firstName: data.firstName!,
        createdById: actorId,
        updatedById: actorId,
      },
      select: { id: true },
    });
  try {
    return await (data.username ? create(data.username) : withDefaultUsername(prisma, data.email!, create));
  } catch (error) {
    agentConflict(error);
  }
}

export async function updateAgent(prisma: PrismaClient, id: number, input: AgentInput, actorId: number, now: Clock) {
  const problems = new Problems();
  const data: Prisma.AgentUncheckedUpdateInput = { ...agentData(problems, input, false), updatedById: actorId };
  const state = setting<PersonState>(problems, input as Record<string, unknown>, 'state');
  problems.throwIfAny();
  const agent = await prisma.agent.findUnique({ where: { id }, select: { state: true, role: true } });
  if (!agent) throw DomainError.of('NOT_FOUND', 'Agent not found.', ['id']);
  if (state && state !== agent.state) {
    Object.assign(
      data,
      state === 'DELETED'
        ? { state, deletedAt: new Date(now()), deletedById: actorId }
        : { state, deletedAt: null, deletedById: null },
    );
  }
  const removesAdmin =
    agent.role === 'ADMIN' &&
    agent.state === 'ACTIVE' &&
    ((data.role !== undefined && data.role !== 'ADMIN') || data.state === 'DELETED');
  try {
    if (!removesAdmin) return await prisma.agent.update({ where: { id }, data, select: { id: true } });
    return await prisma.$transaction(async (tx) => {
      await requireAnotherActiveAdmin(tx as PrismaClient, id, data.state === 'DELETED' ? 'state' : 'role');
      return tx.agent.update({ where: { id }, data, select: { id: true } });
    });
  } catch (error) {
    agentConflict(error);
  }
}

/**
 * Someone must be able to manage agents, keys and branches: the last active admin cannot be
 * demoted or deleted. The active admins' rows are locked, so two admins demoting each other at
 * the same moment cannot both succeed.
 */
async function requireAnotherActiveAdmin(tx: PrismaClient, id: number, field: string) {
  const admins = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM "Agent" WHERE role = 'ADMIN' AND state = 'ACTIVE' ORDER BY id FOR UPDATE`;
  if (!admins.some((admin) => admin.id !== id)) {
    throw DomainError.of(
      'CONFLICT',
      'This is the last active admin: make another agent an admin before demoting or deleting this one.',
      [field],
    );
  }
}

/** The installation's owner (Teamwork's isAppOwner): the earliest created of the active admins. */
export async function appOwnerId(prisma: PrismaClient): Promise<number | null> {
  const owner = await prisma.agent.findFirst({
    where: { role: 'ADMIN', state: 'ACTIVE' },
    orderBy: { id: 'asc' },
    select: { id: true },
  });
  return owner?.id ?? null;
}

async function customerData(prisma: PrismaClient, input: CustomerInput, creating: boolean) {
  const problems = new Problems();
  const raw = input as Record<string, unknown>;
  let names: { firstName?: string; lastName?: string } = {};
  if (input.fullName != null) {
    const fullName = text(problems, raw, 'fullName', { max: 201, required: true });
    names = splitFullName(fullName ?? '');
  } else {
    names = {
      firstName: text(problems, raw, 'firstName', { max: 100, nullable: false, notBlank: true }) ?? undefined,
      lastName: text(problems, raw, 'lastName', { max: 100, nullable: false }) ?? undefined,
    };
  }
  if (input.language != null && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(input.language)) {
    problems.add('INVALID', 'language must be a BCP 47 tag such as "en" or "pt-BR".', ['language']);
  }
  if (input.thumbnailUrl != null && !/^https?:\/\/\S+$/.test(input.thumbnailUrl)) {
    problems.add('INVALID', 'thumbnailUrl must be an http(s) URL.', ['thumbnailUrl']);
  }
  const customFields =
    input.customFields == null ? undefined : await validateCustomFields(prisma, input.customFields, problems);
  const data = {
    ...names,
    email: email(problems, input, false),
    phone: text(problems, raw, 'phone', { max: 50 }),
    whatsappPhone: text(problems, raw, 'whatsappPhone', { max: 50 }),
    companyName: text(problems, raw, 'companyName'),
    companyPosition: text(problems, raw, 'companyPosition'),
    note: text(problems, raw, 'note', { max: 10_000 }),
    language: input.language,
    channel: setting<CustomerChannel>(problems, raw, 'channel'),
    channelExternalId: text(problems, raw, 'channelExternalId'),
    customId: text(problems, raw, 'customId'),
    customChannel: text(problems, raw, 'customChannel'),
    thumbnailUrl: input.thumbnailUrl,
    confirmed: setting<boolean>(problems, raw, 'confirmed'),
  };
  if (creating && input.firstName == null && input.fullName == null) {
    problems.add('REQUIRED', 'A name is required (firstName or fullName).', ['firstName']);
  }
  if (creating && !data.email && !data.phone && !data.whatsappPhone && !data.channelExternalId && !data.customId) {
    problems.add('REQUIRED', 'Give an email, phone, WhatsApp phone, channel id or custom id.', ['email']);
  }
  problems.throwIfAny();
  return { data, customFields };
}

function customerConflict(error: unknown): never {
  if (isUniqueViolation(error)) {
    if (uniqueViolationMentions(error, 'customId'))
      throw DomainError.of('TAKEN', 'Another customer already has this customId.', ['customId']);
    if (uniqueViolationMentions(error, 'channelExternalId'))
      throw DomainError.of('TAKEN', 'Another profile of this channel already has this channel id.', [
        'channelExternalId',
      ]);
    throw emailTaken();
  }
  throw error;
}

/** As in DiamanteDesk, creating a customer with the email of a deleted one restores that customer. */
export async function createCustomer(prisma: PrismaClient, input: CustomerInput) {
  const { data, customFields } = await customerData(prisma, input, true);
  const row = {
    ...data,
    firstName: data.firstName!,
    lastName: data.lastName ?? '',
    fullName: fullNameOf(data.firstName!, data.lastName ?? ''),
    customFields: customFields ?? {},
  };
  const existing = data.email
    ? await prisma.customer.findUnique({ where: { email: data.email }, select: { id: true, state: true } })
    : null;
  if (existing?.state === 'DELETED') {
    return prisma.customer.update({
      where: { id: existing.id },
      data: { ...row, state: 'ACTIVE', deletedAt: null },
      select: { id: true },
    });
  }
  if (existing) throw emailTaken();
  try {
    return await prisma.customer.create({ data: row, select: { id: true } });
  } catch (error) {
    customerConflict(error);
  }
}

export async function updateCustomer(prisma: PrismaClient, id: number, input: CustomerInput) {
  const { data, customFields } = await customerData(prisma, input, false);
  const current = await prisma.customer.findUnique({
    where: { id },
    select: { firstName: true, lastName: true, customFields: true, isPlaceholder: true },
  });
  if (!current || current.isPlaceholder) throw DomainError.of('NOT_FOUND', 'Customer not found.', ['id']);
  const firstName = data.firstName ?? current.firstName;
  const lastName = data.lastName ?? current.lastName;
  try {
    return await prisma.customer.update({
      where: { id },
      data: {
        ...data,
        fullName: fullNameOf(firstName, lastName),
        // Custom fields merge: keys sent replace, a null value removes the key, others stay.
        customFields:
          customFields === undefined
            ? undefined
            : (Object.fromEntries(
                Object.entries({ ...(current.customFields as Record<string, unknown>), ...customFields }).filter(
                  ([, v]) => v !== null,
                ),
              ) as Prisma.InputJsonObject),
      },
      select: { id: true },
    });
  } catch (error) {
    customerConflict(error);
  }
}

/** Checks that an agent exists and is active: who may be assigned tickets or be a branch's default. */
export async function requireActiveAgent(prisma: PrismaClient, id: number, message: string, field: string[]) {
  const agent = await prisma.agent.findUnique({ where: { id }, select: { state: true } });
  if (agent?.state !== 'ACTIVE') throw DomainError.of('NOT_FOUND', message, field);
}

/**
 * Checks that a person exists and is active; used for reporters, authors and watchers. Returns
 * whether a customer is blocked, which decides whether their new tickets are spam.
 */
export async function requireActivePerson(
  prisma: PrismaClient,
  person: PersonRef,
  field: string[],
): Promise<{ blocked: boolean }> {
  const row: { state: PersonState; blocked?: boolean } | null =
    person.kind === 'agent'
      ? await prisma.agent.findUnique({ where: { id: person.id }, select: { state: true } })
      : await prisma.customer.findUnique({ where: { id: person.id }, select: { state: true, blocked: true } });
  if (row?.state !== 'ACTIVE') throw DomainError.of('NOT_FOUND', `No active ${person.kind} with that id.`, field);
  return { blocked: row.blocked ?? false };
}

const PART_TIME_MONTHLY_TICKETS = 10;

/**
 * Part-time agents reply to at most 10 distinct tickets per calendar month (UTC). A reply is a
 * comment made public this month: posted public, or a private note published later (publishing
 * is replying, else notes published afterwards would bypass the limit). A reply made private
 * again still counts: the customer has seen it.
 */
export async function checkPartTimeAllowance(prisma: PrismaClient, agentId: number, ticketId: number, now: Date) {
  const agent = await prisma.agent.findUnique({ where: { id: agentId }, select: { isPartTime: true } });
  if (!agent?.isPartTime) return;
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const replied = await prisma.comment.findMany({
    where: {
      authorAgentId: agentId,
      OR: [
        { publishedAt: { gte: monthStart } },
        // Rows from before publishedAt existed: public ones count by their creation.
        { publishedAt: null, private: false, createdAt: { gte: monthStart } },
      ],
    },
    distinct: ['ticketId'],
    select: { ticketId: true },
  });
  if (replied.some((r) => r.ticketId === ticketId)) return;
  if (replied.length >= PART_TIME_MONTHLY_TICKETS) {
    throw DomainError.of(
      'LIMIT_REACHED',
      `Part-time agents reply to at most ${PART_TIME_MONTHLY_TICKETS} tickets per month; this month's are used up.`,
      ['author'],
    );
  }
}
