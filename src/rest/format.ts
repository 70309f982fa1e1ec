// DiamanteDesk's wire formats: JSON by default, XML on request (`.xml` suffix or Accept), both for
// answers and errors; request bodies as JSON, XML or form-encoded, keys snake_case or camelCase.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import Negotiator from 'negotiator';

export type Format = 'json' | 'xml';

/** Strips a `.json` / `.xml` suffix from the path; otherwise the Accept header decides. */
export function negotiateFormat(path: string, req: IncomingMessage): { path: string; format: Format } {
  const suffix = /\.(json|xml)$/.exec(path);
  if (suffix) return { path: path.slice(0, -suffix[0].length), format: suffix[1] as Format };
  const preferred = new Negotiator(req).mediaType(['application/json', 'application/xml', 'text/xml']);
  return { path, format: preferred && preferred !== 'application/json' ? 'xml' : 'json' };
}

const xmlBuilder = new XMLBuilder({ format: true, ignoreAttributes: true, suppressEmptyNode: true, arrayNodeName: 'item' });
const xmlParser = new XMLParser({ ignoreAttributes: true, parseTagValue: true, trimValues: true });

/** Lists are `<result><item>…</item></result>`, objects `<result>…</result>`. */
function toXml(body: unknown): string {
  const wrap = (value: unknown): unknown =>
    Array.isArray(value) ? { item: value.map(wrap) } : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)])) : value;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlBuilder.build({ result: wrap(body) })}`;
}

export function send(res: ServerResponse, format: Format, status: number, body: unknown, headers: Record<string, string> = {}) {
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

/** Body as an object with camelCase keys; empty when there is none. */
export async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  let parsed: unknown;
  try {
    if (type === 'application/x-www-form-urlencoded') {
      const form = new URLSearchParams(text);
      const out: Record<string, unknown> = {};
      for (const key of new Set(form.keys())) {
        const values = form.getAll(key);
        const name = key.replace(/\[\]$/, '');
        out[name] = key.endsWith('[]') || values.length > 1 ? values : values[0];
      }
      parsed = out;
    } else if (type.endsWith('/xml')) {
      const document = xmlParser.parse(text) as Record<string, unknown>;
      parsed = Object.values(document)[0];
    } else {
      parsed = JSON.parse(text);
    }
  } catch {
    throw new RestError(400, 'Request body could not be parsed.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RestError(400, 'Request body must be an object.');
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [camel(key), value]));
}

/** DiamanteDesk refused unknown properties; so do we, naming the first one. */
export function onlyProperties(entity: string, body: Record<string, unknown>, allowed: string[]) {
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown) throw new RestError(400, `${entity} does not have "${unknown}" property.`);
}
