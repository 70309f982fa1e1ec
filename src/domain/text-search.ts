// Substring search through Prisma's `contains`, which builds `LIKE '%<value>%'` without escaping
// the value: a user typing "%" or "_" would match everything. We escape LIKE's wildcards.
export function containsText(text: string) {
  return { contains: escapeLike(text), mode: 'insensitive' as const };
}

/** The text with LIKE's wildcards (and its escape character) taken literally. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');
