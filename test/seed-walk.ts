// Walking an API document's examples against the server: its operations (method, URL, request
// JSON, response JSON, curl sample) read from the document itself, curl samples sent as curl
// would send them, and answers compared with the document's field by field (ids and dates aside).
import { readFileSync } from 'node:fs';

export interface SeedOperation {
  title: string;
  method: string;
  url: string;
  /** The JSON under "Request", as written. */
  request?: string;
  /** The JSON under "Response", parsed; undefined when the document shows none (a bare status). */
  response?: unknown;
  /** The raw "Response" text (`HTTP Status: 200 OK` when there is no body). */
  responseText: string;
  curl?: string;
}

/** The text of the first balanced {...} at or after `from`. */
function jsonAt(text: string, from: number): string | undefined {
  const start = text.indexOf('{', from);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

/** Deskie-style documents: `METHOD  |  URL` headers, then Request / Response / Sample code. */
export function readSeed(path: string): SeedOperation[] {
  const text = readFileSync(path, 'utf8');
  const header = /^(GET|POST|PUT|PATCH|DELETE)\s+\|\s+(\S+)$/gm;
  const heads = [...text.matchAll(header)];
  return heads.map((head, index) => {
    const start = head.index! + head[0].length;
    const end = heads[index + 1]?.index ?? text.length;
    const section = text.slice(start, end);
    const lines = text.slice(0, head.index).trimEnd().split('\n');
    const title = lines.at(-1)!.trim();
    const requestAt = section.search(/^Request$/m);
    const responseAt = section.search(/^Response$/m);
    const sampleAt = section.search(/^Sample code$/m);
    const responseText = section.slice(responseAt + 'Response'.length, sampleAt < 0 ? undefined : sampleAt).trim();
    const responseJson = responseText.startsWith('{') ? jsonAt(responseText, 0) : undefined;
    const curl = sampleAt < 0 ? undefined : /^curl .*$/m.exec(section.slice(sampleAt))?.[0];
    return {
      title,
      method: head[1]!,
      url: head[2]!,
      request: requestAt >= 0 && requestAt < responseAt ? jsonAt(section, requestAt) : undefined,
      response: responseJson === undefined ? undefined : JSON.parse(responseJson),
      responseText,
      curl,
    };
  });
}

/** Shell words of a one-line curl command: single quotes literal, double quotes with \" escapes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      current += line.slice(i + 1, close);
      i = close;
      started = true;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) i++;
        current += line[i++];
      }
      started = true;
    } else if (c === ' ') {
      if (started) words.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}

export interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** `-u user:password`, as written (placeholders included). */
  user?: string;
  body?: string;
}

/** What curl would send for a sample command. */
export function parseCurl(line: string): CurlRequest {
  const words = shellWords(line);
  const request: CurlRequest = { method: 'GET', url: '', headers: {} };
  let explicitMethod = false;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-u') request.user = words[++i];
    else if (word === '-H') {
      const [name, ...value] = words[++i]!.split(':');
      request.headers[name!.trim()] = value.join(':').trim();
    } else if (word === '-X') {
      request.method = words[++i]!;
      explicitMethod = true;
    } else if (word === '-d') {
      request.body = words[++i]!;
      if (!explicitMethod) request.method = 'POST';
    } else if (word === '-g') continue;
    else request.url = word;
  }
  return request;
}

export interface Comparison {
  /** Fields compared and equal (or, for ids and dates, of the right kind). */
  matched: string[];
  /** `path: why` for every difference. */
  differences: string[];
}

/**
 * Compares an answer with the document's example: every field of the example must be in the
 * answer with the same value, except ids (any positive integer, or a list of them) and dates
 * (the format's pattern); fields the answer adds are differences too.
 */
export function compareWithSeed(
  actual: unknown,
  expected: unknown,
  options: { ids: Set<string>; date: RegExp; dates: Set<string> },
  path = '',
): Comparison {
  const result: Comparison = { matched: [], differences: [] };
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (isObject(expected) && isObject(actual)) {
    for (const [key, value] of Object.entries(expected)) {
      const at = path ? `${path}.${key}` : key;
      if (!(key in actual)) {
        result.differences.push(`${at}: missing`);
        continue;
      }
      if (options.ids.has(key)) {
        const ok = Array.isArray(value)
          ? Array.isArray(actual[key]) &&
            (actual[key] as unknown[]).every((v) => Number.isInteger(v) && (v as number) > 0)
          : Number.isInteger(actual[key]) && (actual[key] as number) > 0;
        (ok ? result.matched : result.differences).push(ok ? at : `${at}: not an id (${JSON.stringify(actual[key])})`);
        continue;
      }
      if (options.dates.has(key)) {
        const ok = typeof actual[key] === 'string' && options.date.test(actual[key] as string);
        (ok ? result.matched : result.differences).push(ok ? at : `${at}: not a date (${JSON.stringify(actual[key])})`);
        continue;
      }
      const inner = compareWithSeed(actual[key], value, options, at);
      result.matched.push(...inner.matched);
      result.differences.push(...inner.differences);
    }
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) result.differences.push(`${path ? `${path}.${key}` : key}: added`);
    }
    return result;
  }
  const same = JSON.stringify(actual) === JSON.stringify(expected);
  if (same) result.matched.push(path);
  else result.differences.push(`${path}: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`);
  return result;
}

/**
 * The JSON example of a document cut off mid-way (Teamwork's page ends inside it): what is there,
 * with the open objects and arrays closed.
 */
export function truncatedJson(text: string, from = 0): unknown {
  const start = text.indexOf('{', from);
  const stack: string[] = [];
  let inString = false;
  let end = start;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      stack.pop();
      end = i + 1;
      if (stack.length === 0) break;
    }
  }
  const kept = text.slice(start, end).replace(/,\s*$/, '');
  return JSON.parse(kept + stack.reverse().join(''));
}

/** Teamwork-style "Body Params": each `Name` with its `Type` (and whether it says read-only). */
export function bodyParams(text: string): { name: string; type: string; readOnly: boolean }[] {
  const section = text.slice(text.indexOf('Body Params'), text.indexOf('Responses'));
  const params = [...section.matchAll(/Name\s*\n\s*(\S+)\s*\n\s*Type\s*\n\s*(\S+)([\s\S]*?)(?=•\s*Name|$)/g)];
  return params.map((m) => ({
    name: m[1]!,
    type: m[2]!,
    readOnly: /read-only/i.test(m[3]!),
  }));
}
