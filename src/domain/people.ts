// Agents (staff) and customers (end users): validation shared by GraphQL and the REST adapter.
import type { PrismaClient } from '../generated/prisma/client.ts';
import { DomainError, Problems, isUniqueViolation } from './errors.ts';

export interface PersonInput {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
}
export interface AgentInput extends PersonInput {
  role?: 'ADMIN' | 'AGENT' | null;
}
export interface CustomerInput extends PersonInput {
  phone?: string | null;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function text(problems: Problems, value: string | null | undefined, field: string, max: number, required: boolean) {
  if (value === undefined) {
    if (required) problems.add('REQUIRED', `${field} is required.`, [field]);
    return undefined;
  }
  const clean = (value ?? '').trim();
  if (required && clean === '') problems.add('REQUIRED', `${field} must not be blank.`, [field]);
  if (clean.length > max) problems.add('TOO_LONG', `${field} must be at most ${max} characters.`, [field]);
  if (/[\u0000-\u001f\u007f]/.test(clean)) problems.add('INVALID', `${field} must not contain control characters.`, [field]);
  return clean;
}

function email(problems: Problems, value: string | null | undefined, required: boolean) {
  if (value == null) {
    if (required) problems.add('REQUIRED', 'email is required.', ['email']);
    return value === null && !required ? null : undefined;
  }
  const clean = value.trim().toLowerCase();
  if (!emailPattern.test(clean) || clean.length > 254) problems.add('INVALID', 'email is not a valid address.', ['email']);
  return clean;
}

function emailTaken() {
  return DomainError.of('TAKEN', 'Another person already uses this email.', ['email']);
}

export async function createAgent(prisma: PrismaClient, input: AgentInput) {
  const problems = new Problems();
  const data = {
    email: email(problems, input.email, true)!,
    firstName: text(problems, input.firstName, 'firstName', 100, true)!,
    lastName: text(problems, input.lastName, 'lastName', 100, false) ?? '',
    role: input.role ?? 'AGENT',
  };
  problems.throwIfAny();
  try {
    return await prisma.agent.create({ data, select: { id: true } });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

export async function updateAgent(prisma: PrismaClient, id: number, input: AgentInput) {
  const problems = new Problems();
  const data = {
    email: email(problems, input.email, false) ?? undefined,
    firstName: input.firstName === undefined ? undefined : text(problems, input.firstName, 'firstName', 100, true),
    lastName: text(problems, input.lastName, 'lastName', 100, false),
    role: input.role ?? undefined,
  };
  problems.throwIfAny();
  if (!(await prisma.agent.findUnique({ where: { id }, select: { id: true } }))) {
    throw DomainError.of('NOT_FOUND', 'Agent not found.', ['id']);
  }
  try {
    return await prisma.agent.update({ where: { id }, data, select: { id: true } });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

/** As in DiamanteDesk, creating a customer with the email of a deleted one restores that customer. */
export async function createCustomer(prisma: PrismaClient, input: CustomerInput) {
  const problems = new Problems();
  const data = {
    email: email(problems, input.email, true)!,
    firstName: text(problems, input.firstName, 'firstName', 100, true)!,
    lastName: text(problems, input.lastName, 'lastName', 100, true)!,
    phone: text(problems, input.phone, 'phone', 50, false) || null,
  };
  problems.throwIfAny();
  const existing = await prisma.customer.findUnique({ where: { email: data.email }, select: { id: true, state: true } });
  if (existing?.state === 'DELETED') {
    return prisma.customer.update({
      where: { id: existing.id },
      data: { ...data, state: 'ACTIVE', deletedAt: null },
      select: { id: true },
    });
  }
  if (existing) throw emailTaken();
  try {
    return await prisma.customer.create({ data, select: { id: true } });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

export async function updateCustomer(prisma: PrismaClient, id: number, input: CustomerInput) {
  const problems = new Problems();
  const data = {
    email: email(problems, input.email, false),
    firstName: input.firstName === undefined ? undefined : text(problems, input.firstName, 'firstName', 100, true),
    lastName: input.lastName === undefined ? undefined : text(problems, input.lastName, 'lastName', 100, true),
    phone: input.phone === undefined ? undefined : text(problems, input.phone, 'phone', 50, false) || null,
  };
  problems.throwIfAny();
  if (!(await prisma.customer.findUnique({ where: { id }, select: { id: true } }))) {
    throw DomainError.of('NOT_FOUND', 'Customer not found.', ['id']);
  }
  try {
    return await prisma.customer.update({ where: { id }, data, select: { id: true } });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

export type PersonRef = { kind: 'agent'; id: number } | { kind: 'customer'; id: number };

/** Checks that a person exists and is active; used for reporters, authors and watchers. */
export async function requireActivePerson(prisma: PrismaClient, person: PersonRef, field: string[]) {
  const row =
    person.kind === 'agent'
      ? await prisma.agent.findUnique({ where: { id: person.id }, select: { state: true } })
      : await prisma.customer.findUnique({ where: { id: person.id }, select: { state: true } });
  if (!row || row.state !== 'ACTIVE') throw DomainError.of('NOT_FOUND', `No active ${person.kind} with that id.`, field);
}
