// GraphiQL from the installed package, not a CDN: `GET /graphql` in a browser works without
// internet, and its Content-Security-Policy allows only what the page itself carries.
import { createHash } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

export const WELCOME = `# Welcome to the helpdesk API.
#
# Every query except introspection needs an API key.
# Open the "Headers" tab below and enter:
#
#   {"Authorization": "Bearer <your API key>"}
#
# No key yet? The server logged one on its first
# start, or run on the server:
#   npm run create-admin -- --email you@example.com
# (README, "Your first API key").
#
# The key is not saved in this browser unless you turn
# on "Persist headers" in the settings (gear, bottom left).
#
# Then run this query with the play button (Ctrl-Enter):

query FirstSteps {
  viewer {
    __typename
    ... on Agent { name email role }
    ... on Customer { name email }
  }
  tickets(first: 5) {
    totalCount
    nodes { key subject status createdAt }
  }
}
`;

export const graphiqlOptions: GraphiQLOptions = {
  title: 'Helpdesk API',
  defaultQuery: WELCOME,
};

/**
 * Headers (the API key) stay in memory unless the user turns "Persist headers" on in the settings.
 * yoga's GraphiQL persists them by default, and `shouldPersistHeaders: false` hides the setting and
 * ignores it, so no one could opt in: instead the page starts with the setting off, where the user
 * has not chosen yet, and GraphiQL keeps whatever the user chooses.
 */
const HEADERS_NOT_PERSISTED_BY_DEFAULT = `try{if(localStorage.getItem('graphiql:shouldPersistHeaders')===null)localStorage.setItem('graphiql:shouldPersistHeaders','false')}catch(e){}`;

/** The page (its one inline script starting with the line above) and the CSP that pins it by hash. */
function renderPage(options: GraphiQLOptions) {
  const html = renderGraphiQL(options).replace('<script>', `<script>${HEADERS_NOT_PERSISTED_BY_DEFAULT}\n`);
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
  const csp = [
    "default-src 'none'",
    `script-src ${hashes.join(' ')}`,
    // Monaco's editor and language services run as workers made from blobs the page creates.
    'worker-src blob:',
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}

let page: ReturnType<typeof renderPage> | undefined;

/** yoga's `renderGraphiQL`: the page is 9 MB, rendered and hashed once per process. */
export function renderOfflineGraphiQL(options: GraphiQLOptions) {
  page ??= renderPage(options);
  return page.html;
}

/**
 * Gives the GraphiQL answer the page's own CSP in place of the server's generic one, which would
 * block its script (src/server.ts sets the other security headers on every answer).
 */
export function graphiqlSecurityHeaders(): Plugin {
  return {
    onResponse({ response }) {
      if (page && response.headers.get('content-type')?.startsWith('text/html'))
        response.headers.set('Content-Security-Policy', page.csp);
    },
  };
}
