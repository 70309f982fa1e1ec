// People in general: the reference to an agent or a customer, the checks that one is active, and
// how a partial update of either reads its fields. Updates are partial: an absent field stays, an
// explicit null clears a nullable field, and null for a required field is an error.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { PersonState } from '../generated/prisma/enums.ts';
import { DomainError, type Problems } from './errors.ts';
import { emailPattern } from './formats.ts';

export type PersonRef = { kind: 'agent'; id: number } | { kind: 'customer'; id: number };

/** The columns a row owned by one person (a key, a watcher) names them with. */
export const ownerColumns = (person: PersonRef) =>
  person.kind === 'agent' ? { agentId: person.id } : { customerId: person.id };

/** Reads one text field of a partial update. Returns undefined (leave), null (clear) or the value. */
export function text(
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

export function email(problems: Problems, input: { email?: string | null }, required: boolean, nullable = true) {
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
export function setting<T>(problems: Problems, input: Record<string, unknown>, field: string): T | undefined {
  const value = input[field];
  if (value === null) problems.add('INVALID', `${field} cannot be null.`, [field]);
  return (value ?? undefined) as T | undefined;
}

export function emailTaken() {
  return DomainError.of('TAKEN', 'Another person already uses this email.', ['email']);
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
