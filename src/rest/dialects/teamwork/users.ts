// Teamwork Desk's users (agents here): GET and PATCH /users/{id}.json, GET /users.json.
// PATCH is a true partial update through updateAgent: absent fields stay, null clears a nullable
// one, read-only fields are ignored as Teamwork ignores them, unknown fields are a 400.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { runGraphQL } from '../../execute.ts';
import { RestError } from '../../format.ts';
import { DialectError, type DialectRoute } from '../dialect.ts';
import { mutate } from '../host.ts';
import { TIME_FORMATS, TIMEZONES, timeFormatIdOf, timezoneIdOf, timezoneOf } from './tables.ts';

const USER = `internalId firstName lastName email role state isAppOwner isPartTime reviewer autoFollowOnCC editMethod
  ticketReplyRedirect sendPushNotifications sendWebNotifications timezone timeFormat avatarUrl
  projectsCompanyId ldKey onboarding trainingWheelsEnrollment
  createdAt updatedAt deletedAt createdBy { internalId } updatedBy { internalId } deletedBy { internalId }
  branches { internalId key name description createdAt updatedAt }`;

interface GqlBranch {
  internalId: number;
  key: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}
interface GqlAgent {
  internalId: number;
  firstName: string;
  lastName: string;
  email: string;
  role: string;
  state: string;
  isAppOwner: boolean;
  isPartTime: boolean;
  reviewer: boolean;
  autoFollowOnCC: boolean;
  editMethod: string;
  ticketReplyRedirect: string;
  sendPushNotifications: boolean;
  sendWebNotifications: boolean;
  timezone: string | null;
  timeFormat: string;
  avatarUrl: string | null;
  projectsCompanyId: number | null;
  ldKey: string | null;
  onboarding: Record<string, unknown> | null;
  trainingWheelsEnrollment: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  createdBy: { internalId: number } | null;
  updatedBy: { internalId: number } | null;
  deletedBy: { internalId: number } | null;
  branches: GqlBranch[];
}

/** Teamwork's relationship objects: `{"id": 1, "type": "users"}`. */
const userRef = (ref: { internalId: number } | null) => (ref ? { id: ref.internalId, type: 'users' } : null);
const REDIRECTS: Record<string, string> = { STAY: 'Stay', NEXT: 'Next', INBOX: 'Inbox' };

export function teamworkUser(a: GqlAgent) {
  return {
    id: a.internalId,
    firstName: a.firstName,
    lastName: a.lastName,
    email: a.email,
    role: a.role.toLowerCase(),
    state: a.state.toLowerCase(),
    isAppOwner: a.isAppOwner,
    isPartTime: a.isPartTime,
    reviewer: a.reviewer,
    autoFollowOnCC: a.autoFollowOnCC,
    editMethod: a.editMethod.toLowerCase(),
    ticketReplyRedirect: REDIRECTS[a.ticketReplyRedirect],
    sendPushNotifications: a.sendPushNotifications,
    sendWebNotifications: a.sendWebNotifications,
    timezoneId: timezoneIdOf(a.timezone),
    timeFormatId: timeFormatIdOf(a.timeFormat),
    avatarURL: a.avatarUrl,
    // Unset, they read as Teamwork (a Go service) writes empty values.
    projectsCompanyId: a.projectsCompanyId ?? 0,
    ldKey: a.ldKey ?? '',
    onboarding: a.onboarding ?? {},
    trainingWheelsEnrollment: a.trainingWheelsEnrollment ?? {},
    createdAt: a.createdAt,
    createdBy: userRef(a.createdBy),
    updatedAt: a.updatedAt,
    updatedBy: userRef(a.updatedBy),
    // Teamwork: "only returned when the object is marked as deleted".
    ...(a.state === 'DELETED' ? { deletedAt: a.deletedAt, deletedBy: userRef(a.deletedBy) } : {}),
    inboxes: a.branches.map((b) => ({ id: b.internalId, type: 'inboxes' })),
  };
}

const teamworkInbox = (b: GqlBranch) => ({
  id: b.internalId,
  name: b.name,
  description: b.description,
  key: b.key,
  state: 'active',
  // Branches send no automatic replies and take mail from anyone: Teamwork's fields say so.
  autoReplyEnabled: false,
  autoReplyFromUserId: 0,
  autoReplyMessage: '',
  autoReplySubject: '',
  clientOnly: false,
  createdAt: b.createdAt,
  // Branches do not record who created them.
  createdBy: null,
  updatedAt: b.updatedAt,
});

/** Teamwork's side-loading: each inbox once, however many users name it. */
function included(agents: GqlAgent[]) {
  const inboxes = new Map<number, ReturnType<typeof teamworkInbox>>();
  for (const agent of agents) for (const b of agent.branches) inboxes.set(b.internalId, teamworkInbox(b));
  return { inboxes: [...inboxes.values()].sort((a, b) => a.id - b.id) };
}

/** Read-only (or request-only) fields: accepted in a body and ignored, as Teamwork does. */
const IGNORED = new Set([
  'avatarURL',
  'createdAt',
  'createdBy',
  'deletedAt',
  'deletedBy',
  'updatedAt',
  'updatedBy',
  'id',
  'isAppOwner',
  'inboxes',
  'filter_args',
]);
const BOOLEANS = ['autoFollowOnCC', 'isPartTime', 'reviewer', 'sendPushNotifications', 'sendWebNotifications'];
const ENUMS: Record<string, Record<string, string>> = {
  role: { admin: 'ADMIN', agent: 'AGENT' },
  state: { active: 'ACTIVE', deleted: 'DELETED' },
  editMethod: { html: 'HTML', markdown: 'MARKDOWN' },
  ticketReplyRedirect: { stay: 'STAY', next: 'NEXT', inbox: 'INBOX' },
};

/** The `user` object of a PATCH as UpdateAgentInput fields; every problem at once, Teamwork's way. */
function agentInput(body: Record<string, unknown>) {
  const errors: Record<string, string[]> = {};
  const fail = (field: string, message: string) => {
    errors[field] = [...(errors[field] ?? []), message];
  };
  for (const key of Object.keys(body)) if (key !== 'user' && key !== 'included') fail(key, 'unknown field');
  const user = body.user;
  if (!user || typeof user !== 'object' || Array.isArray(user)) {
    fail('user', 'must be set');
    throw new DialectError(400, 'The body must be {"user": {...}}.', errors);
  }
  const input: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(user as Record<string, unknown>)) {
    if (IGNORED.has(field)) continue;
    if (field === 'email' || field === 'firstName' || field === 'lastName' || field === 'ldKey') {
      if (value !== null && typeof value !== 'string') fail(field, 'must be a string');
      else input[field] = value;
    } else if (BOOLEANS.includes(field)) {
      if (value !== null && typeof value !== 'boolean') fail(field, 'must be a boolean');
      else input[field] = value;
    } else if (ENUMS[field]) {
      const mapped = typeof value === 'string' ? ENUMS[field][value.toLowerCase()] : undefined;
      if (value !== null && !mapped) fail(field, `must be one of ${Object.keys(ENUMS[field]).join(', ')}`);
      else input[field] = mapped ?? null;
    } else if (field === 'onboarding' || field === 'trainingWheelsEnrollment') {
      if (value !== null && (typeof value !== 'object' || Array.isArray(value))) fail(field, 'must be an object');
      else input[field] = value;
    } else if (field === 'projectsCompanyId') {
      if (value !== null && !Number.isInteger(value)) fail(field, 'must be an integer');
      else input[field] = value;
    } else if (field === 'timezoneId') {
      if (value === null) input.timezone = null;
      else if (!Number.isInteger(value) || !timezoneOf(value as number))
        fail(field, `must be a timezone id from 1 to ${TIMEZONES.length}`);
      else input.timezone = timezoneOf(value as number);
    } else if (field === 'timeFormatId') {
      if (value === null) input.timeFormat = null;
      else if (!Number.isInteger(value) || !TIME_FORMATS[value as number])
        fail(field, 'must be 1 (12-hour) or 2 (24-hour)');
      else input.timeFormat = TIME_FORMATS[value as number];
    } else fail(field, 'unknown field');
  }
  if (Object.keys(errors).length) throw new DialectError(400, 'The user has invalid fields.', errors);
  return input;
}

/** GraphQL field paths back in Teamwork's names. */
const teamworkField = (path: string[]) =>
  ({ timezone: 'timezoneId', timeFormat: 'timeFormatId' })[path[0]!] ?? path.join('.');

function agentId(raw: string | undefined) {
  if (!raw || !/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw new RestError(404, 'User not found.');
  return encodeGlobalID('Agent', raw);
}

const single = (agent: GqlAgent) => ({ user: teamworkUser(agent), included: included([agent]) });

export const teamworkUserRoutes: DialectRoute[] = [
  {
    method: 'GET',
    path: '/users/:id',
    async handle(request) {
      const data = await runGraphQL<{ agent: GqlAgent | null }>(
        request.ctx,
        `query($id: ID!) { agent(id: $id) { ${USER} } }`,
        { id: agentId(request.params.id) },
      );
      if (!data.agent) throw new RestError(404, 'User not found.');
      return { status: 200, body: single(data.agent) };
    },
  },
  {
    method: 'PATCH',
    path: '/users/:id',
    async handle(request) {
      const id = agentId(request.params.id);
      const input = agentInput(await request.body());
      const payload = await mutate(
        request.ctx,
        `mutation($input: UpdateAgentInput!) { updateAgent(input: $input) { agent { ${USER} } userErrors { message field code } } }`,
        { input: { ...input, id } },
        'updateAgent',
        teamworkField,
      );
      return { status: 200, body: single(payload.agent) };
    },
  },
  {
    method: 'GET',
    path: '/users',
    async handle(request) {
      const q = request.queryObject;
      for (const name of Object.keys(q)) {
        if (!['page', 'pageSize', 'include', 'includes'].includes(name))
          throw new DialectError(400, `Unknown parameter "${name}".`, { [name]: ['unknown parameter'] });
      }
      const number = (name: string, fallback: number, max: number) => {
        const raw = q[name];
        if (raw === undefined || raw === '') return fallback;
        if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
          throw new DialectError(400, `"${name}" must be from 1 to ${max}.`, { [name]: [`must be from 1 to ${max}`] });
        return Number(raw);
      };
      const pageSize = number('pageSize', 50, 100);
      const page = number('page', 1, 100_000);
      const data = await runGraphQL(
        request.ctx,
        `query($first: Int, $offset: Int) { agents(first: $first, offset: $offset) { totalCount nodes { ${USER} } } }`,
        { first: pageSize, offset: (page - 1) * pageSize },
      );
      const agents = data.agents.nodes as GqlAgent[];
      return {
        status: 200,
        body: {
          users: agents.map(teamworkUser),
          included: included(agents),
          meta: {
            page: {
              pageOffset: page - 1,
              pageSize,
              count: data.agents.totalCount,
              hasMore: page * pageSize < data.agents.totalCount,
            },
          },
        },
      };
    },
  },
];
