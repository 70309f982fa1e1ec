// Branch rules from DiamanteDesk: keys are letters only, at least two, unique, and derived from
// the name when the caller gives none.
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { DomainError, isForeignKeyViolation, isUniqueViolation, Problems } from './errors.ts';
import { requireActiveAgent } from './people.ts';
import { sanitizeRichText } from './rich-text.ts';

export interface BranchInput {
  name?: string | null;
  key?: string | null;
  description?: string | null;
  tags?: string[] | null;
  logoUrl?: string | null;
  defaultAssigneeId?: number | null;
}

const KEY_MAX = 20;
const NAME_MAX = 255;

/** One word gives its first four letters, several words their initials, upper-cased. */
export function keyFromName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[^A-Za-z\s]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const key = words.length === 1 ? words[0]!.slice(0, 4) : words.map((w) => w[0]).join('');
  return key.toUpperCase().slice(0, KEY_MAX);
}

export function normaliseTags(tags: string[] | null | undefined, problems: Problems, field: string[]) {
  if (tags == null) return undefined;
  const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
  if (clean.some((t) => t.length > 100)) problems.add('TOO_LONG', 'Tags must be at most 100 characters.', field);
  if (clean.length > 50) problems.add('INVALID', 'At most 50 tags are allowed.', field);
  return clean;
}

function validate(input: BranchInput, creating: boolean) {
  const problems = new Problems();
  const data: Prisma.BranchUncheckedUpdateInput = {};
  let validName: string | undefined;
  if (input.name !== undefined || creating) {
    const name = input.name?.trim() ?? '';
    if (name.length < 2) problems.add('INVALID', 'Branch name must be at least 2 characters.', ['name']);
    else if (!/\p{L}/u.test(name)) problems.add('INVALID', 'Branch name must contain a letter.', ['name']);
    else if (name.length > NAME_MAX)
      problems.add('TOO_LONG', `Branch name must be at most ${NAME_MAX} characters.`, ['name']);
    else validName = name;
    data.name = name;
  }
  if (input.key != null) {
    const key = input.key.trim().toUpperCase();
    if (!/^[A-Z]{2,}$/.test(key)) problems.add('INVALID', 'Branch key must be letters only, at least 2.', ['key']);
    else if (key.length > KEY_MAX) problems.add('TOO_LONG', `Branch key must be at most ${KEY_MAX} letters.`, ['key']);
    data.key = key;
  } else if (creating && validName) {
    const key = keyFromName(validName);
    if (key.length < 2) {
      problems.add('INVALID', 'Cannot derive a key of at least 2 letters from the name; give a key.', ['key']);
    }
    data.key = key;
  }
  // Branch descriptions are printed by the portal like ticket text: markup is allowlisted (rich-text.ts).
  if (input.description !== undefined) data.description = sanitizeRichText(input.description?.trim() ?? '');
  const tags = normaliseTags(input.tags, problems, ['tags']);
  if (tags) data.tags = tags;
  if (input.logoUrl !== undefined) data.logoUrl = input.logoUrl;
  if (input.defaultAssigneeId !== undefined) data.defaultAssigneeId = input.defaultAssigneeId;
  problems.throwIfAny();
  return data;
}

async function checkAssignee(prisma: PrismaClient, id: number | null | undefined) {
  if (id == null) return;
  await requireActiveAgent(prisma, id, 'Default assignee is not an active agent.', ['defaultAssignee']);
}

function keyTaken(key: unknown) {
  return DomainError.of('TAKEN', `Branch key ${String(key)} already exists. Please, provide another one.`, ['key']);
}

export async function createBranch(prisma: PrismaClient, input: BranchInput) {
  const data = validate(input, true) as Prisma.BranchUncheckedCreateInput;
  await checkAssignee(prisma, input.defaultAssigneeId);
  try {
    return await prisma.branch.create({ data, select: { id: true } });
  } catch (error) {
    if (isUniqueViolation(error)) throw keyTaken(data.key);
    throw error;
  }
}

export async function updateBranch(prisma: PrismaClient, id: number, input: BranchInput) {
  const data = validate(input, false);
  await checkAssignee(prisma, input.defaultAssigneeId);
  const branch = await prisma.branch.findUnique({ where: { id }, select: { key: true } });
  if (!branch) throw DomainError.of('NOT_FOUND', 'Branch not found.', ['id']);
  // Existing ticket keys embed the branch key, so changing it would orphan them.
  if (data.key !== undefined && data.key !== branch.key) {
    const used = await prisma.ticket.count({ where: { branchId: id } });
    if (used > 0) throw DomainError.of('CONFLICT', 'Branch key cannot change once the branch has tickets.', ['key']);
  }
  try {
    return await prisma.branch.update({ where: { id }, data, select: { id: true } });
  } catch (error) {
    if (isUniqueViolation(error)) throw keyTaken(data.key);
    throw error;
  }
}

export async function deleteBranch(prisma: PrismaClient, id: number) {
  const branch = await prisma.branch.findUnique({
    where: { id },
    select: { id: true, _count: { select: { tickets: true } } },
  });
  if (!branch) throw DomainError.of('NOT_FOUND', 'Branch not found.', ['id']);
  if (branch._count.tickets > 0) {
    throw DomainError.of('CONFLICT', "Branch has tickets and can't be deleted.", ['id']);
  }
  try {
    await prisma.branch.delete({ where: { id } });
  } catch (error) {
    // A ticket created after the count above: the foreign key refuses, we report the same conflict.
    if (isForeignKeyViolation(error))
      throw DomainError.of('CONFLICT', "Branch has tickets and can't be deleted.", ['id']);
    throw error;
  }
  return branch.id;
}
