// DiamanteDesk's wire formats: JSON by default, XML on request (`.xml` suffix or Accept), both for
// answers and errors; request bodies as JSON, XML or form-encoded, keys snake_case or camelCase.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import Negotiator from 'negotiator';
import qs from 'qs';

export type Format = 'json' | 'xml';

/** Strips a `.json` / `.xml` suffix from the path; otherwise the Accept header decides. */
export function negotiateFormat(path: string, req: IncomingMessage): { path: string; format: Format } {
  const suffix = /\.(json|xml)$/.exec(path);
  if (suffix) return { path: path.slice(0, -suffix[0].length), format: suffix[1] as Format };
  const preferred = new Negotiator(req).mediaType(['application/json', 'application/xml', 'text/xml']);
  return { path, format: preferred && preferred !== 'application/json' ? 'xml' : 'json' };
}

const xmlBuilder = new XMLBuilder({
  format: true,
  ignoreAttributes: true,
  suppressEmptyNode: true,
  arrayNodeName: 'item',
});
// `<?xml version="1.0"?>` (and any other processing instruction) is not part of the data.
const xmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: true,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Lists are `<result><item>…</item></result>`, objects `<result>…</result>`. */
function toXml(body: unknown): string {
  const wrap = (value: unknown): unknown =>
    Array.isArray(value)
      ? { item: value.map(wrap) }
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)]))
        : value;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlBuilder.build({ result: wrap(body) })}`;
}

export function send(
  res: ServerResponse,
  format: Format,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = format === 'xml' ? toXml(body) : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': format === 'xml' ? 'application/xml; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export class RestError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
    this.name = 'RestError';
  }
}

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Fields in a form body, parameters in a query string: at most this many. */
export const MAX_PARAMETERS = 1000;
/** `a[b][c]` nesting in form bodies, and object/array nesting in any body. */
const MAX_FORM_DEPTH = 5;
const MAX_BODY_DEPTH = 32;
/** Items in one form array (`tags[]=…`, `attachmentsInput[0]…`). */
const MAX_FORM_ARRAY = 100;

/** Route parameters (already decoded by the router): each a clean text, or a 400 naming it. */
export function checkParams(params: Record<string, string>) {
  for (const [name, value] of Object.entries(params)) {
    const problem = badText(value);
    if (problem) throw new RestError(400, `"${name}" ${problem}.`);
  }
  return params;
}

/** Text PostgreSQL cannot store (NUL) or that is not Unicode (a lone surrogate); null when fine. */
export function badText(text: string): string | null {
  if (text.includes('\0')) return 'must not contain NUL characters';
  if (/\p{Cs}/u.test(text)) return 'must be well-formed Unicode (no lone surrogates)';
  return null;
}

/**
 * Form bodies and query strings the way PHP (and so Symfony, DiamanteDesk and its shop modules)
 * reads them: `tags[]=x` as lists, `attachmentsInput[0][filename]=x` as nested objects, `+` as a
 * space, and a repeated plain key keeps its last value. qs parses in linear time and refuses more
 * than MAX_PARAMETERS fields (413), deep nesting or long lists (400).
 */
export function parsePhpParameters(text: string, what = 'Form body'): Record<string, unknown> {
  try {
    return qs.parse(text, {
      parameterLimit: MAX_PARAMETERS,
      depth: MAX_FORM_DEPTH,
      strictDepth: true,
      arrayLimit: MAX_FORM_ARRAY,
      throwOnLimitExceeded: true,
      plainObjects: true,
      allowDots: false,
      duplicates: 'last',
      ignoreQueryPrefix: true,
    }) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message;
    if (/^Parameter limit/.test(message)) throw new RestError(413, `${what} has more than ${MAX_PARAMETERS} fields.`);
    if (/^Array limit/.test(message))
      throw new RestError(400, `${what} has a list of more than ${MAX_FORM_ARRAY} items.`);
    if (/depth/.test(message)) throw new RestError(400, `${what} nests keys more than ${MAX_FORM_DEPTH} levels deep.`);
    throw new RestError(400, `${what} could not be parsed.`);
  }
}

/**
 * A query string read as PHP reads `$_GET`. `get` gives a parameter's text (the last item of a
 * `name[]=` list), `all` every text given for it; nested or missing parameters are null/empty.
 */
export class PhpQuery {
  readonly parsed: Record<string, unknown>;
  constructor(search: string) {
    this.parsed = parsePhpParameters(search, 'The query string');
  }
  all(name: string): string[] {
    const value = Object.hasOwn(this.parsed, name) ? this.parsed[name] : undefined;
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return list.filter((item): item is string => typeof item === 'string');
  }
  get(name: string): string | null {
    return this.all(name).at(-1) ?? null;
  }
}

/** Every key and string in a parsed body, without recursion: NUL, lone surrogates, deep nesting are 400s. */
function checkBody(body: unknown) {
  const stack: [unknown, number][] = [[body, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = badText(value);
      if (problem) throw new RestError(400, `Request body values ${problem}.`);
    } else if (value && typeof value === 'object') {
      if (depth >= MAX_BODY_DEPTH)
        throw new RestError(400, `Request body nests more than ${MAX_BODY_DEPTH} levels deep.`);
      for (const [key, item] of Object.entries(value)) {
        const problem = badText(key);
        if (problem) throw new RestError(400, `Request body keys ${problem}.`);
        stack.push([item, depth + 1]);
      }
    }
  }
}

/** Body as an object with camelCase keys (top level only, as in JSON bodies); empty when there is none. */
export async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    req.resume();
    throw new RestError(
      415,
      'REST bodies are JSON, XML or form-encoded (application/x-www-form-urlencoded); send files base64-encoded in "attachmentsInput".',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let parsed: unknown;
  if (type === 'application/x-www-form-urlencoded') {
    parsed = parsePhpParameters(text);
  } else {
    try {
      if (type.endsWith('/xml')) {
        const document = xmlParser.parse(text) as Record<string, unknown>;
        parsed = Object.values(document)[0];
      } else {
        parsed = JSON.parse(text);
      }
    } catch {
      throw new RestError(400, 'Request body could not be parsed.');
    }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new RestError(400, 'Request body must be an object.');
  checkBody(parsed);
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [camel(key), value]));
}

/** DiamanteDesk refused unknown properties on updates (PUT, PATCH); so do we, naming the first one. */
export function onlyProperties(entity: string, body: Record<string, unknown>, allowed: string[]) {
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown) throw new RestError(400, `${entity} does not have "${unknown}" property.`);
}

/**
 * Creates (POST) copied only the command's known properties and ignored the rest: shop modules
 * post whole HTML forms (CSRF tokens, submit buttons, order ids). The body without the unknown
 * properties, which are logged at debug level (names only: values may be secrets such as tokens).
 */
export function knownProperties(
  entity: string,
  body: Record<string, unknown>,
  allowed: string[],
  logger: { debug: (object: object, message: string) => void },
): Record<string, unknown> {
  const ignored = Object.keys(body).filter((key) => !allowed.includes(key));
  if (ignored.length === 0) return body;
  logger.debug({ entity, ignored }, 'REST create: ignored unknown properties');
  return Object.fromEntries(Object.entries(body).filter(([key]) => allowed.includes(key)));
}
