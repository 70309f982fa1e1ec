// Agents' login names. DiamanteDesk runs on OroPlatform, whose users have a `username` beside the
// email; shop modules are configured with it and send it as the WSSE Username and to
// `/user/filter?username=`. Stored lowercase, so lookups ignore case as Oro's MySQL collation did.
import type { PrismaClient } from '../generated/prisma/client.ts';
import { isUniqueViolation, type Problems } from './errors.ts';

export const USERNAME_MAX = 64;
/** Oro's `/user/filter` accepted `[a-zA-Z0-9\-_\.]+`; no `@`, so a username never reads as an email. */
const USERNAME_PATTERN = /^[a-z0-9._-]+$/;

/** Reads `username` of an agent input: undefined (absent), or the lowercase name; problems otherwise. */
export function readUsername(problems: Problems, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) {
    problems.add('REQUIRED', 'username cannot be cleared.', ['username']);
    return undefined;
  }
  const clean = String(value).trim().toLowerCase();
  if (clean === '') problems.add('REQUIRED', 'username must not be blank.', ['username']);
  else if (clean.length > USERNAME_MAX)
    problems.add('TOO_LONG', `username must be at most ${USERNAME_MAX} characters.`, ['username']);
  else if (!USERNAME_PATTERN.test(clean))
    problems.add('INVALID', 'username may contain only letters, digits, ".", "_" and "-".', ['username']);
  return clean;
}

/** The email's local part made into a username: `Jane.Doe+shop@x.org` gives `jane.doe_shop`. */
export function usernameFromEmail(email: string): string {
  const local = email
    .split('@')[0]!
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '_');
  return local.slice(0, USERNAME_MAX - 6) || 'agent';
}

/** `base`, or `base2`, `base3`... whichever no agent has. */
async function freeUsername(prisma: PrismaClient, base: string): Promise<string> {
  const taken = new Set(
    (await prisma.agent.findMany({ where: { username: { startsWith: base } }, select: { username: true } })).map(
      (a) => a.username,
    ),
  );
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}${n}`)) n++;
  return `${base}${n}`;
}

/**
 * A unique violation on the username. Read from the error's meta (the constraint and its fields)
 * only: Prisma's message quotes the calling code, which names `username` whatever the violation.
 */
export const usernameTaken = (error: unknown) =>
  isUniqueViolation(error) && JSON.stringify((error as { meta?: unknown }).meta ?? {}).includes('username');

/**
 * Runs `write` with a free username derived from the email; when a concurrent write took that
 * name first (unique violation on username), picks the next free one and tries again.
 */
export async function withDefaultUsername<T>(
  prisma: PrismaClient,
  email: string,
  write: (username: string) => Promise<T>,
): Promise<T> {
  const base = usernameFromEmail(email);
  for (let attempt = 0; ; attempt++) {
    try {
      return await write(await freeUsername(prisma, base));
    } catch (error) {
      if (!usernameTaken(error) || attempt >= 4) throw error;
    }
  }
}

/**
 * Gives every agent without a username (rows older than the column, or agents inserted around the
 * domain) one from its email. Run at start-up; a no-op once every agent has one.
 */
export async function fillMissingUsernames(prisma: PrismaClient): Promise<number> {
  const missing = await prisma.agent.findMany({
    where: { username: null },
    select: { id: true, email: true },
    orderBy: { id: 'asc' },
  });
  for (const agent of missing) {
    await withDefaultUsername(prisma, agent.email, (username) =>
      prisma.agent.updateMany({ where: { id: agent.id, username: null }, data: { username } }),
    );
  }
  return missing.length;
}
