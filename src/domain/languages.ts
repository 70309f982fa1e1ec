// Deskie's `language_id`: the account's languages are numbered (1 Russian, 2 English on a new
// account); here a customer's language is a BCP 47 tag. The table mapping one to the other is
// configuration (HELPDESK_DESKIE_LANGUAGES), so that an account migrated with other numbers keeps them.

/** Deskie's own numbering on a new account. */
export const DEFAULT_LANGUAGE_TABLE = '1=ru,2=en';

export type LanguageTable = ReadonlyMap<number, string>;

const TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** `1=ru,2=en,3=de`; a problem (text) when malformed, ids repeat or a tag repeats. */
export function parseLanguageTable(text: string): LanguageTable | string {
  const table = new Map<number, string>();
  const tags = new Set<string>();
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const match = /^(\d{1,9})=(.+)$/.exec(entry);
    if (!match || !TAG.test(match[2]!)) return `"${entry}" is not <number>=<language tag> (for example 2=en)`;
    const id = Number(match[1]);
    const tag = match[2]!.toLowerCase();
    if (table.has(id)) return `language id ${id} appears twice`;
    if (tags.has(tag)) return `language "${tag}" appears twice`;
    table.set(id, tag);
    tags.add(tag);
  }
  if (table.size === 0) return 'the table is empty';
  return table;
}

export const languageIdOf = (table: LanguageTable, tag: string | null | undefined): number | null => {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  for (const [id, entry] of table) if (entry === lower) return id;
  return null;
};
