// The Deskie dialect: `/api/<resource>.json` with HTTP Basic `staff_email:api_key` (any of this
// server's credentials work), JSON bodies (form bodies in PHP's bracket syntax too), and errors as
// `{"error": "<code>", "description": "<message>"}`.
import type { LanguageTable } from '../../../domain/languages.ts';
import type { Dialect } from '../dialect.ts';
import { deskieUserRoutes } from './users.ts';

// DiamanteDesk owns /api/rest/... and /api/diamante/...; Deskie's paths all end in .json.
const PREFIX = /^\/api(\/(?!rest\/|diamante\/).+)\.json$/i;

const CODES: Record<number, string> = {
  400: 'incorrect_data',
  401: 'unauthorized',
  403: 'access_denied',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

export function deskieDialect({ languages }: { languages: LanguageTable }): Dialect {
  return {
    name: 'Deskie',
    match(pathname, origin) {
      const match = PREFIX.exec(pathname);
      return match ? { path: match[1]!, base: `${origin.replace(/\/$/, '')}/api` } : null;
    },
    routes: deskieUserRoutes(languages),
    errorBody: (error) => ({
      error: CODES[error.status] ?? (error.status >= 500 ? 'internal_error' : 'error'),
      description: error.message,
    }),
  };
}
