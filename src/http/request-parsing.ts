// Malformed GraphQL requests are the client's fault and get a 400 with code BAD_REQUEST. graphql-yoga
// lets a JSON.parse error of GET `variables`/`extensions`, a broken multipart body, or a `map` that
// is not an object of path lists escape as plain errors, which answered "Unexpected error.". This
// wraps yoga's parsers and replaces the multipart one with a stricter reading of the GraphQL
// multipart request spec: `operations` an object (or a batch array), `map` an object of
// `variables.`-paths, each naming a file part that is present.
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';

export function badRequest(message: string, status = 400) {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status } } });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(`${what} is not valid JSON.`);
  }
}

/** GET (and form-encoded) parameters: `variables` and `extensions` must be JSON objects. */
function checkSearchParams(params: URLSearchParams) {
  for (const name of ['variables', 'extensions']) {
    const text = params.get(name);
    if (!text) continue;
    const value = parseJson(text, `The "${name}" parameter`);
    if (value !== null && !isObject(value)) throw badRequest(`The "${name}" parameter must be a JSON object.`);
  }
}

function isMultipart(request: Request) {
  const type = request.headers.get('content-type')?.split(',')[0]?.trim().toLowerCase() ?? '';
  return request.method === 'POST' && (type === 'multipart/form-data' || type.startsWith('multipart/form-data;'));
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Puts `file` at `path` (such as `variables.input.files.0`) inside `operations`. */
function placeFile(operations: unknown, path: string, file: File) {
  const keys = path.split('.');
  const batch = Array.isArray(operations);
  const valid =
    keys.length >= (batch ? 3 : 2) &&
    keys[batch ? 1 : 0] === 'variables' &&
    (!batch || /^\d+$/.test(keys[0]!)) &&
    keys.every((key) => key !== '' && !FORBIDDEN_KEYS.has(key));
  if (!valid) throw badRequest(`Multipart "map" path "${path.slice(0, 100)}" must point into the variables.`);
  let current = operations as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (typeof next !== 'object' || next === null) {
      current[key] = /^\d+$/.test(key) ? [] : {};
    }
    current = current[key] as Record<string, unknown>;
  }
  current[keys.at(-1)!] = file;
}

async function parseMultipart(request: Request): Promise<GraphQLParams | GraphQLParams[]> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The form-data parser's own limits keep their meaning: 413, as yoga answers them.
    if (message.startsWith('File size limit exceeded: ')) {
      throw new GraphQLError(message, { extensions: { code: 'PAYLOAD_TOO_LARGE', http: { status: 413 } } });
    }
    if (/limit exceeded/i.test(message)) throw error;
    throw badRequest(`Malformed multipart body: ${message.slice(0, 200)}`);
  }
  const operationsText = form.get('operations');
  if (typeof operationsText !== 'string') throw badRequest('Multipart field "operations" is missing (or is a file).');
  const operations = parseJson(operationsText, 'Multipart field "operations"');
  if (!isObject(operations) && !(Array.isArray(operations) && operations.length > 0 && operations.every(isObject))) {
    throw badRequest('Multipart field "operations" must be a JSON object (or an array of them).');
  }
  const mapText = form.get('map');
  if (mapText !== null) {
    if (typeof mapText !== 'string') throw badRequest('Multipart field "map" must be text, not a file.');
    const map = parseJson(mapText, 'Multipart field "map"');
    if (!isObject(map))
      throw badRequest('Multipart field "map" must be a JSON object of file field names to path lists.');
    for (const [name, paths] of Object.entries(map)) {
      if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
        throw badRequest(`Multipart "map" entry "${name.slice(0, 100)}" must be an array of paths.`);
      }
      const file = form.get(name);
      if (!file || typeof file === 'string') {
        throw badRequest(
          `Multipart "map" names the file field "${name.slice(0, 100)}", which the request does not contain.`,
        );
      }
      for (const path of paths) placeFile(operations, path, file);
    }
  }
  return operations as GraphQLParams | GraphQLParams[];
}

export function requestParsing(): Plugin {
  return {
    onRequestParse({ request, url, requestParser, setRequestParser }) {
      if (!requestParser) return;
      if (isMultipart(request)) {
        setRequestParser(parseMultipart);
        return;
      }
      const parse = requestParser;
      setRequestParser(async (incoming) => {
        if (incoming.method === 'GET') checkSearchParams(url.searchParams);
        try {
          return await parse(incoming);
        } catch (error) {
          if (error instanceof GraphQLError) {
            const { code, http } = error.extensions as { code?: string; http?: unknown };
            throw new GraphQLError(error.message, {
              extensions: { ...error.extensions, code: code ?? 'BAD_REQUEST', http: http ?? { status: 400 } },
            });
          }
          if (error instanceof SyntaxError)
            throw badRequest(`The request body is not valid: ${error.message.slice(0, 200)}`);
          throw error;
        }
      });
    },
  };
}
