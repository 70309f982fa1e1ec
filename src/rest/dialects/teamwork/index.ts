// The Teamwork Desk dialect: `/desk/api/v2/<resource>.json` with `Authorization: Bearer <key>`
// (any of this server's credentials), JSON bodies, ISO 8601 dates, and errors in the shape of
// Teamwork's validator: `{"errors": {"<field>": ["<message>", ...]}}` (`"base"` when no field).
import type { Dialect } from '../dialect.ts';
import { teamworkUserRoutes } from './users.ts';

const PREFIX = /^\/desk\/api\/v2(\/.+)\.json$/i;

export function teamworkDialect(): Dialect {
  return {
    name: 'Teamwork Desk',
    match(pathname, origin) {
      const match = PREFIX.exec(pathname);
      return match ? { path: match[1]!, base: `${origin.replace(/\/$/, '')}/desk/api/v2` } : null;
    },
    routes: teamworkUserRoutes,
    errorBody: (error) => ({
      errors: Object.keys(error.fields).length ? error.fields : { base: [error.message] },
    }),
  };
}
