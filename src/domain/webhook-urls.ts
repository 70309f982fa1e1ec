// Which URLs a webhook may send to (SSRF). A webhook makes this server send requests to an
// address an admin typed: without rules it would reach the database, the cloud metadata service or
// anything else on the private network behind it. Checked twice: when the URL is saved (its form,
// and a literal address), and for every delivery on the addresses the host resolves to then, the
// ones the request connects to (src/events/webhooks/send.ts), so DNS cannot be changed in between.
import { isIP } from 'node:net';

/** A URL longer than this is refused (browsers and proxies stop around 2 KiB as well). */
export const WEBHOOK_URL_MAX = 2048;

/** IPv4 ranges no webhook may reach: this host, private networks and everything not globally routable. */
const V4_BLOCKED: [string, number, string][] = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** IPv6 ranges likewise; addresses that embed an IPv4 one are judged by that (see v4Inside). */
const V6_BLOCKED: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible (deprecated)'],
  // Local-use NAT64 (RFC 8215): translated to IPv4 inside one network, with the IPv4 address at a
  // place that depends on the prefix length the network chose, so not judged by what it embeds.
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['100::', 64, 'discard'],
  ['2001::', 23, 'IETF protocol assignments (Teredo and others)'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4'],
  ['3fff::', 20, 'documentation'],
  ['5f00::', 16, 'segment routing (SRv6)'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

function v4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address (`::` expanded, a trailing dotted IPv4 part, a zone dropped). */
export function v6Bytes(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = v4Bytes(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}0:0`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (part: string) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function inPrefix(bytes: number[], network: number[], bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const bit = 7 - (i % 8);
    if (((bytes[i >> 3]! >> bit) & 1) !== ((network[i >> 3]! >> bit) & 1)) return false;
  }
  return true;
}

/**
 * The IPv4 address an IPv6 one stands for: IPv4-mapped (::ffff:a.b.c.d), IPv4-translated
 * (::ffff:0:a.b.c.d, RFC 2765) and well-known NAT64 (64:ff9b::/96, RFC 6052). Each reaches that
 * IPv4 address (the host's stack or a translator does), so it passes only where that one would.
 */
function v4Inside(bytes: number[]): string | null {
  const mapped = inPrefix(bytes, v6Bytes('::ffff:0:0'), 96);
  const translated = inPrefix(bytes, v6Bytes('::ffff:0:0:0'), 96);
  const nat64 = inPrefix(bytes, v6Bytes('64:ff9b::'), 96);
  return mapped || translated || nat64 ? bytes.slice(12).join('.') : null;
}

/** Why a webhook may not reach this IP address, or null when it may. */
export function refusedAddress(address: string): string | null {
  const family = isIP(address);
  if (family === 4) {
    const bytes = v4Bytes(address);
    const hit = V4_BLOCKED.find(([net, bits]) => inPrefix(bytes, v4Bytes(net), bits));
    return hit ? `${address} is ${hit[2]}` : null;
  }
  if (family === 6) {
    const bytes = v6Bytes(address);
    const v4 = v4Inside(bytes);
    if (v4) {
      const reason = refusedAddress(v4);
      return reason ? `${address} is ${reason.replace(`${v4} is `, `${v4}, `)}` : null;
    }
    const hit = V6_BLOCKED.find(([net, bits]) => inPrefix(bytes, v6Bytes(net), bits));
    return hit ? `${address} is ${hit[2]}` : null;
  }
  return `${address} is not an IP address`;
}

/** The host of a URL as an IP literal (brackets of IPv6 removed), or null for a name. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) ? bare : null;
}

/**
 * Why a URL cannot be a webhook's, or null. Checks its form and, unless private receivers are
 * allowed, a literal address or a `localhost` name; names are checked again on every delivery.
 */
export function webhookUrlProblem(url: string, allowPrivate: boolean): string | null {
  if (url.length > WEBHOOK_URL_MAX) return `The URL must be at most ${WEBHOOK_URL_MAX} characters.`;
  // The URL parser drops tabs and line breaks anywhere in a URL: the one saved and shown would not
  // be the one delivered to.
  if (/[\u0000-\u001f\u007f]/.test(url))
    return 'The URL must not contain line breaks, tabs or other control characters.';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'The URL is not a valid absolute URL (for example https://example.com/hooks/helpdesk).';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return 'The URL must start with https:// or http://.';
  if (parsed.username || parsed.password)
    return 'The URL must not contain a user name or password; the signature authenticates deliveries.';
  if (!parsed.hostname) return 'The URL must name a host.';
  // Port 0 is reserved, nothing listens there, and systems differ in what connecting to it does.
  if (parsed.port === '0') return 'The URL must not use port 0.';
  if (allowPrivate) return null;
  const literal = literalAddress(parsed.hostname);
  const reason = literal
    ? refusedAddress(literal)
    : /(^|\.)localhost\.?$/i.test(parsed.hostname)
      ? `${parsed.hostname} is this host`
      : null;
  return reason
    ? `Webhooks may not send to loopback, private or reserved addresses (${reason}); set HELPDESK_WEBHOOK_ALLOW_PRIVATE=1 to allow them on a single-host setup.`
    : null;
}
