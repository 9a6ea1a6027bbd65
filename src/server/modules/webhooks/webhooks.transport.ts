import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may go, and the POST itself. SSRF defence (the Standard Webhooks spec's advice):
 * unless FRONTLINE_WEBHOOKS_ALLOW_PRIVATE=1, a URL naming an internal address or name is refused
 * when saved, and at send time every address its name resolves to is checked inside the socket's
 * own lookup, so the address checked is the address connected to (a name that resolved to a
 * public address when saved and to 127.0.0.1 later — DNS rebinding — is refused). Redirects are
 * never followed (a 3xx is a failure), so a public URL cannot bounce the request inside.
 */

/** The answer's body kept in the delivery log, at most. */
export const EXCERPT_BYTES = 1024;

const bytes4 = (s: string): number[] => s.split('.').map(Number);

/** Loopback, private, shared (CGNAT), link-local (cloud metadata), documentation, multicast, reserved. */
function internalV4([a, b, c]: number[]): boolean {
  if (a === undefined || b === undefined || c === undefined) return true;
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b < 128) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 192 && b === 88 && c === 99) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a >= 224
  );
}

/** An IPv6 address as 16 bytes (with an embedded dotted quad allowed), or null. */
function v6Bytes(s: string): number[] | null {
  let text = s.split('%')[0]!;
  const tail: number[] = [];
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    tail.push(...bytes4(quad[1]!));
    text = `${text.slice(0, -quad[1]!.length)}0:0`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (x: string) => (x ? x.split(':') : []);
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const fill = rest === undefined ? 0 : 8 - h.length - r.length;
  const all = [...h, ...Array<string>(fill).fill('0'), ...r];
  if (all.length !== 8) return null;
  const out = all.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [(n >> 8) & 0xff, n & 0xff];
  });
  if (tail.length) out.splice(12, 4, ...tail);
  return out;
}

/** True for an IP address no webhook should reach: see internalV4, and their IPv6 counterparts. */
export function isInternalAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return internalV4(bytes4(ip));
  if (family !== 6) return true;
  const b = v6Bytes(ip);
  if (!b) return true;
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  // ::/96 (unspecified, loopback, IPv4-compatible) and IPv4-mapped ::ffff:a.b.c.d
  if (zero(0, 12)) return true;
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return internalV4(b.slice(12));
  // NAT64 64:ff9b::/96 and 6to4 2002::/16 carry an IPv4 address
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    if (zero(4, 12)) return internalV4(b.slice(12));
    return true; // 64:ff9b:1::/48, local-use NAT64
  }
  if (b[0] === 0x20 && b[1] === 0x02) return internalV4(b.slice(2, 6));
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = b;
  return (
    (b0 & 0xfe) === 0xfc || // fc00::/7 unique local
    (b0 === 0xfe && (b1 & 0xc0) === 0x80) || // fe80::/10 link-local
    (b0 === 0xfe && (b1 & 0xc0) === 0xc0) || // fec0::/10 site-local (deprecated)
    b0 === 0xff || // multicast
    (b0 === 0x20 && b1 === 0x01 && b2 === 0x0d && b3 === 0xb8) || // 2001:db8::/32 documentation
    (b0 === 0x20 && b1 === 0x01 && b2 === 0x00 && b3 === 0x00) || // 2001::/32 Teredo
    (b0 === 0x01 && b1 === 0x00 && zero(2, 8)) // 100::/64 discard
  );
}

/** Names that are internal by their form: no dot (a search-domain name), localhost, local TLDs. */
function internalName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return (
    !h.includes('.') || h === 'localhost' || /\.(localhost|local|internal|intranet|lan|home\.arpa)$/.test(h)
  );
}

export type UrlProblem = { rule: 'httpUrl' } | { rule: 'privateAddress'; host: string };

/** Why a webhook URL is refused, or null. No DNS here: names are checked again, resolved, at send time. */
export function urlProblem(raw: string, allowPrivate: boolean): UrlProblem | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { rule: 'httpUrl' };
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname || u.username || u.password)
    return { rule: 'httpUrl' };
  if (allowPrivate) return null;
  // The URL parser has already normalised 2130706433, 0x7f.1 and the like to dotted quads.
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) ? isInternalAddress(host) : internalName(host)) return { rule: 'privateAddress', host };
  return null;
}

/** dns.lookup, refusing internal addresses: used by the socket itself, so nothing is checked twice apart. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 4);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isInternalAddress(a.address));
    if (bad || !list.length) {
      const e = Object.assign(
        new Error(`${hostname} resolves to an internal address (${bad?.address ?? 'none'})`),
        { code: 'EWEBHOOKPRIVATE' },
      );
      return callback(e, '', 4);
    }
    if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

export interface PostResult {
  /** The HTTP status, or null when none came back. */
  status: number | null;
  error: string | null;
  excerpt: string | null;
  /** From a Retry-After header in seconds (429, 503), in milliseconds. */
  retryAfterMs: number | null;
  durationMs: number;
}

/**
 * POST once, bounded by `timeoutMs` from the first byte sent to the last byte read (a receiver that
 * answers its headers and then trickles the body is cut off too). Never throws.
 */
export function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  const started = performance.now();
  const done = (r: Omit<PostResult, 'durationMs'>): PostResult => ({
    ...r,
    durationMs: Math.round(performance.now() - started),
  });
  const failed = (error: string) => done({ status: null, error, excerpt: null, retryAfterMs: null });
  const problem = urlProblem(url, opts.allowPrivate);
  if (problem)
    return Promise.resolve(
      failed(problem.rule === 'httpUrl' ? 'not an http(s) URL' : `refused: ${problem.host} is internal`),
    );
  const u = new URL(url);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (r: PostResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const client = u.protocol === 'https:' ? https : http;
    const req = client.request(
      u,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' },
        signal,
        // A fresh connection each time: a pooled socket would skip the lookup's check.
        agent: false,
        ...(opts.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const status = res.statusCode ?? null;
        const retryAfter = Number(res.headers['retry-after']);
        const answer = () =>
          done({
            status,
            error: null,
            excerpt: size ? Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8') : null,
            retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : null,
          });
        res.on('data', (c: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(c);
          size += c.length;
          // Enough read for the log: the rest is not ours to wait for.
          if (size >= EXCERPT_BYTES) {
            finish(answer());
            res.destroy();
          }
        });
        res.on('end', () => finish(answer()));
        res.on('error', (err) =>
          finish(signal.aborted ? failed(`timed out after ${opts.timeoutMs} ms`) : failed(String(err))),
        );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (signal.aborted) return finish(failed(`timed out after ${opts.timeoutMs} ms`));
      finish(failed(err.code === 'EWEBHOOKPRIVATE' ? `refused: ${err.message}` : err.message || String(err)));
    });
    req.end(body);
  });
}
