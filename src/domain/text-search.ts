// Substring search through Prisma's `contains`, which builds `LIKE '%<value>%'` without escaping
// the value: a user typing "%" or "_" would match everything. We escape LIKE's wildcards.
export function containsText(text: string) {
  return { contains: text.replace(/[\\%_]/g, '\\$&'), mode: 'insensitive' as const };
}
