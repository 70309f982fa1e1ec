// How agent lists are narrowed, and the sort order agent and customer lists share.
import { builder } from '../../builder.ts';
import { containsText } from '../../domain/text-search.ts';
import { USERNAME_MAX } from '../../domain/usernames.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { maxLength, SEARCH_TEXT_MAX } from '../input-limits.ts';
import { orderInput } from '../ordering.ts';
import { PersonState } from '../person.ts';
import { AgentRole } from './enums.ts';

export const AgentFilter = builder.inputType('AgentFilter', {
  description: 'Narrows a list of agents.',
  fields: (t) => ({
    text: t.string({
      ...maxLength(SEARCH_TEXT_MAX),
      description: `Substring of the name or email, case-insensitive (at most ${SEARCH_TEXT_MAX} characters).`,
    }),
    state: t.field({ type: PersonState, description: 'Only agents in this state (default: ACTIVE).' }),
    role: t.field({ type: AgentRole, description: 'Only agents with this role.' }),
    username: t.string({
      ...maxLength(USERNAME_MAX),
      description: 'Only the agent with exactly this username (case-insensitive).',
    }),
    email: t.field({ type: 'EmailAddress', description: 'Only the agent with exactly this email (case-insensitive).' }),
  }),
});

export const agentWhere = (f: typeof AgentFilter.$inferInput | null | undefined): Prisma.AgentWhereInput => ({
  state: f?.state ?? 'ACTIVE',
  role: f?.role ?? undefined,
  username: f?.username != null ? f.username.trim().toLowerCase() : undefined,
  email: f?.email != null ? f.email.toLowerCase() : undefined,
  ...(f?.text
    ? { OR: [{ email: containsText(f.text) }, { firstName: containsText(f.text) }, { lastName: containsText(f.text) }] }
    : {}),
});

export const personOrder = orderInput(
  'PersonOrder',
  'Sort order of a list of agents or customers.',
  {
    CREATED_AT: { column: 'id', description: 'Creation order.' },
    EMAIL: { column: 'email', description: 'Email, alphabetically.' },
    FIRST_NAME: { column: 'firstName', description: 'First name, alphabetically.' },
    LAST_NAME: { column: 'lastName', description: 'Last name, alphabetically.' },
    UPDATED_AT: { column: 'updatedAt', description: 'Last change.' },
  },
  { field: 'CREATED_AT', direction: 'ASC' },
);
