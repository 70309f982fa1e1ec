// Requests exactly as DiamanteDesk's PHP shop modules send them: the PrestaShop module (curl, JSON
// bodies, query strings glued together unencoded) and the Magento 1 extension (Zend_Http_Client,
// `http_build_query` form bodies, filters appended to the URI as they are). WSSE tokens are made
// the PHP way: a 10-character random nonce, `DateTime::ISO8601` Created (`+0000`), raw SHA-1.
import { createHash, randomInt } from 'node:crypto';
import http from 'node:http';

/** PHP's `$date->format(DateTime::ISO8601)` in UTC: `2026-11-23T16:40:20+0000`. */
export function phpIso8601(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `UsernameToken Username="...", PasswordDigest="...", Nonce="...", Created="..."` as the modules build it. */
export function phpWsseHeader(username: string, apiKey: string, time = Date.now()): string {
  // Tools::passwdGen(10) / Mage::helper('core')->getRandomString(10): 10 raw characters.
  const nonce = Array.from({ length: 10 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
  const created = phpIso8601(time);
  const digest = createHash('sha1')
    .update(nonce + created + apiKey)
    .digest('base64');
  return `UsernameToken Username="${username}", PasswordDigest="${digest}", Nonce="${Buffer.from(nonce).toString('base64')}", Created="${created}"`;
}

/** PHP's urlencode(): spaces as `+`, everything but letters, digits and `-_.` percent-encoded. */
function phpUrlencode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** PHP's http_build_query($data, '', '&'): bracket keys for nested arrays, nulls left out, booleans 1/0. */
export function httpBuildQuery(data: Record<string, unknown>, prefix?: string): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') {
      const nested = httpBuildQuery(value as Record<string, unknown>, name);
      if (nested) parts.push(nested);
    } else {
      const text = value === true ? '1' : value === false ? '0' : String(value);
      parts.push(`${phpUrlencode(name)}=${phpUrlencode(text)}`);
    }
  }
  return parts.join('&');
}

/** PHP's json_encode() defaults: `/` escaped as `\/`, non-ASCII as `\uXXXX`. */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface PhpResponse {
  status: number;
  /** Header names exactly as the server wrote them (PHP's header parsing keeps their case). */
  rawHeaders: Record<string, string>;
  body: string;
  /** json_decode($body): undefined when not JSON. */
  json: any;
}

/** One request with the path and query string sent byte for byte (no URL normalisation). */
export function rawRequest(
  origin: string,
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: string,
): Promise<PhpResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname, port, method, path: target, headers: body === undefined ? headers : { ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const rawHeaders: Record<string, string> = {};
          for (let i = 0; i < res.rawHeaders.length; i += 2) rawHeaders[res.rawHeaders[i]!] = res.rawHeaders[i + 1]!;
          let json: any;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, rawHeaders, body: text, json });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

interface ClientConfig {
  origin: string;
  /** DIAMANTEDESK_USERNAME / diamantedesk/api/username: an Oro login name or an email. */
  username: string;
  apiKey: string;
}

/**
 * The PrestaShop module's DiamanteDesk_Api: `{server}/api/rest/v1/{method}.json`, GET parameters
 * appended as `key=value&...` without encoding, POST bodies json_encode()d.
 */
export function prestaShopClient(config: ClientConfig) {
  const calls: string[] = [];
  const headers = () => ({
    Accept: 'application/json',
    Authorization: 'WSSE profile="UsernameToken"',
    'X-WSSE': phpWsseHeader(config.username, config.apiKey),
  });
  return {
    calls,
    get(method: string, getData: Record<string, string | number> = {}) {
      const query = Object.entries(getData)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      const target = `/api/rest/v1/${method}.json${query ? `?${query}` : ''}`;
      calls.push(`GET ${target}`);
      return rawRequest(config.origin, 'GET', target, headers());
    },
    post(method: string, postData: Record<string, unknown>) {
      const target = `/api/rest/v1/${method}.json`;
      calls.push(`POST ${target}`);
      const body = phpJsonEncode(postData);
      return rawRequest(
        config.origin,
        'POST',
        target,
        { ...headers(), 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
        body,
      );
    },
  };
}

/**
 * The Magento extension's Eltrino_DiamanteDesk_Model_Api over Zend_Http_Client: filters appended
 * to the URI as `key=value` (kept as given when valid), POST parameters as an
 * application/x-www-form-urlencoded http_build_query() body.
 */
export function magentoClient(config: ClientConfig) {
  const calls: string[] = [];
  const headers = () => ({
    Host: new URL(config.origin).host,
    Connection: 'close',
    'Accept-encoding': 'gzip, deflate',
    'User-Agent': 'Zend_Http_Client',
    Accept: 'application/json',
    Authorization: 'WSSE profile="UsernameToken"',
    'X-WSSE': phpWsseHeader(config.username, config.apiKey),
  });
  return {
    calls,
    get(method: string, filters: Record<string, string | number> = {}) {
      const query = Object.entries(filters)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      const target = `/api/rest/v1/${method}.json${query ? `?${query}` : ''}`;
      calls.push(`GET ${target}`);
      return rawRequest(config.origin, 'GET', target, headers());
    },
    post(method: string, params: Record<string, unknown>) {
      const target = `/api/rest/v1/${method}.json`;
      calls.push(`POST ${target}`);
      const body = httpBuildQuery(params);
      return rawRequest(
        config.origin,
        'POST',
        target,
        {
          ...headers(),
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': String(Buffer.byteLength(body)),
        },
        body,
      );
    },
  };
}
