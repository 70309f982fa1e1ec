// The inputs and payloads of the agent mutations.
import { builder, type InputFieldBuilder } from '../../builder.ts';
import { KEY_MAX, maxLength } from '../input-limits.ts';
import { objectPayload } from '../payload.ts';
import { PersonState } from '../person.ts';
import { AgentRole, EditMethod, TicketReplyRedirect, TimeFormat } from './enums.ts';
import { Agent, AgentEdge } from './type.ts';

const preferenceFields = (t: InputFieldBuilder) => ({
  timezone: t.string({ ...maxLength(KEY_MAX), description: 'IANA time zone such as Europe/London; null for UTC.' }),
  timeFormat: t.field({ type: TimeFormat, description: '12- or 24-hour clock.' }),
  editMethod: t.field({ type: EditMethod, description: 'Default editor.' }),
  ticketReplyRedirect: t.field({ type: TicketReplyRedirect, description: 'Where to go after replying.' }),
  sendPushNotifications: t.boolean({ description: 'Push notifications to mobile devices.' }),
  sendWebNotifications: t.boolean({ description: 'Browser notifications.' }),
  autoFollowOnCC: t.boolean({ description: 'Watch tickets you are CCed on.' }),
  isPartTime: t.boolean({ description: 'Part-time (admins only).' }),
  reviewer: t.boolean({ description: 'Reviewer (admins only).' }),
  projectsCompanyId: t.int({ description: 'Company in Teamwork Projects (admins only).' }),
  ldKey: t.string({ ...maxLength(KEY_MAX), description: 'Teamwork feature-flag key, kept as sent.' }),
  onboarding: t.field({
    type: 'JSONObject',
    description: 'Teamwork onboarding state (at most 10,000 characters of JSON).',
  }),
  trainingWheelsEnrollment: t.field({
    type: 'JSONObject',
    description: 'Teamwork training-wheels enrollment (at most 10,000 characters of JSON).',
  }),
});

export const CreateAgentInput = builder.inputType('CreateAgentInput', {
  description: 'A new agent.',
  fields: (t) => ({
    email: t.field({ type: 'EmailAddress', required: true, description: 'Unique email address.' }),
    username: t.string({
      description: "Unique login name (letters, digits, '.', '_', '-'); default: the email's local part, made unique.",
    }),
    firstName: t.string({ required: true, description: 'First name.' }),
    lastName: t.string({ description: 'Last name.' }),
    role: t.field({ type: AgentRole, description: 'Default AGENT.' }),
    ...preferenceFields(t),
  }),
});
export const UpdateAgentInput = builder.inputType('UpdateAgentInput', {
  description:
    'Changes to an agent. Only the fields sent change; null clears a nullable field. Agents change their own names and preferences; admins also email, username, role, state, isPartTime and reviewer.',
  fields: (t) => ({
    id: t.globalID({ for: Agent, required: true, description: 'The agent to change.' }),
    email: t.field({ type: 'EmailAddress', description: 'Unique email address (admins only).' }),
    username: t.string({ description: 'Unique login name (admins only).' }),
    firstName: t.string({ description: 'First name.' }),
    lastName: t.string({ description: 'Last name.' }),
    role: t.field({ type: AgentRole, description: 'Admin or agent (admins only).' }),
    state: t.field({ type: PersonState, description: 'DELETED deletes the agent, ACTIVE restores (admins only).' }),
    ...preferenceFields(t),
  }),
});

export const CreateAgentPayload = objectPayload(
  'CreateAgentPayload',
  'agent',
  'Agent',
  'Result of `createAgent`.',
  AgentEdge,
);
export const UpdateAgentPayload = objectPayload('UpdateAgentPayload', 'agent', 'Agent', 'Result of `updateAgent`.');
