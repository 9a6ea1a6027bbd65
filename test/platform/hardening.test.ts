import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { fixedClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import { type Ctx, decodeCursor, encodeCursor, parseInstant } from '../../src/server/platform/context.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { haveChromium, launchChromium } from '../helpers/browser.ts';
import { dialects, openTestDb } from '../helpers/db.ts';

/** A response with its body parsed, as the helpers' call() gives it. */
type Res = Awaited<ReturnType<TestApp['call']>>;

const UNKNOWN = '01890000-0000-7000-8000-000000000000';
const JSON_HEADERS = { 'content-type': 'application/json' };

/** A 4xx problem+json with this status and code, naming the field (when given) as its first error. */
function assertProblem(r: Res, status: number, code: string, field?: string | RegExp) {
  assert.equal(r.statusCode, status, `${r.statusCode} ${r.body.slice(0, 300)}`);
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  assert.equal(r.data.code, code);
  assert.equal(r.data.status, status);
  if (field !== undefined) {
    const f: string = r.data.errors?.[0]?.field ?? '';
    if (typeof field === 'string') assert.equal(f, field, JSON.stringify(r.data));
    else assert.match(f, field, JSON.stringify(r.data));
  }
}

/** `{"<name>": [[[ … ]]]}` with the array nested `depth` levels (built as text: JSON.stringify would recurse). */
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** One raw HTTP exchange over a socket: everything the server writes until it closes the connection. */
function rawExchange(port: number, request: string | ((s: net.Socket) => Promise<void>)): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.setEncoding('latin1');
    s.on('data', (d) => {
      got += d;
    });
    s.on('error', () => {}); // the server may reset after answering: what it wrote is the result
    s.on('close', () => resolve(got));
    s.on('connect', () => {
      if (typeof request === 'string') s.write(request);
      else request(s).catch(reject);
    });
    setTimeout(() => {
      s.destroy();
      resolve(got);
    }, 5000).unref();
  });
}

/** Status, headers (lower-cased) and body of each HTTP/1.1 response in a raw exchange. */
function parseResponses(raw: string) {
  const out: { status: number; headers: Record<string, string>; body: string }[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const len = Number(headers['content-length'] ?? 0);
    out.push({
      status: Number(statusLine!.split(' ')[1]),
      headers,
      body: rest.slice(end + 4, end + 4 + len),
    });
    rest = rest.slice(end + 4 + len);
  }
  return out;
}

describe('instants and cursors refuse what PostgreSQL cannot store', () => {
  test('parseInstant: years 1900–9999 (UTC) only', () => {
    assert.equal(parseInstant('2026-11-23T08:00:00+08:00', '/body/x'), '2026-11-23T00:00:00.000Z');
    assert.equal(parseInstant('1900-01-01T00:00:00Z', '/body/x'), '1900-01-01T00:00:00.000Z');
    assert.equal(parseInstant('9999-12-31T23:59:59.999Z', '/body/x'), '9999-12-31T23:59:59.999Z');
    for (const bad of [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '1899-12-31T23:59:59Z',
      // 10000-01-01 once in UTC: a five-digit year PostgreSQL refuses
      '9999-12-31T23:30:00-01:00',
    ]) {
      assert.throws(
        () => parseInstant(bad, '/body/startedAt'),
        (e: { code?: string; errors?: { field: string }[] }) =>
          e.code === 'request.invalid' && e.errors?.[0]?.field === '/body/startedAt',
        bad,
      );
    }
  });

  test('decodeCursor: an instant out of range or not on the calendar is not a cursor', () => {
    assert.deepEqual(decodeCursor(encodeCursor('2026-11-23T09:00:00.123456Z', UNKNOWN)), [
      '2026-11-23T09:00:00.123456Z',
      UNKNOWN,
    ]);
    for (const at of [
      '0000-01-01T00:00:00.000Z',
      '1899-12-31T23:59:59.000Z',
      '2026-02-30T00:00:00.000Z',
      '2026-11-23T24:00:00.000Z',
      '2026-11-23T23:60:00.000Z',
    ]) {
      assert.throws(
        () => decodeCursor(encodeCursor(at, UNKNOWN)),
        (e: { code?: string }) => e.code === 'request.invalid',
        at,
      );
    }
  });
});

for (const dialect of await dialects()) {
  describe(`HTTP edge hardening (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(async () => {
      await t?.close();
    });

    describe('deeply nested JSON', () => {
      test('7,000 levels on the public login route: 400 naming the field, not a stack overflow', async () => {
        const r = await t.call(
          null,
          'POST',
          '/api/v1/auth/login',
          `{"username":${deepArray(7000)},"password":"x"}`,
          JSON_HEADERS,
        );
        assertProblem(r, 400, 'request.invalid', /^\/body\/username(\/0)+$/);
        assert.match(r.data.errors[0].message, /nested more than 64 levels/);
      });

      test('7,000 levels on an authenticated route, and the largest body the limit allows', async () => {
        const r = await t.call(
          'officer',
          'POST',
          '/api/v1/customers',
          `{"displayName":"Tan Mei","address":${deepObject(7000)}}`,
          JSON_HEADERS,
        );
        assertProblem(r, 400, 'request.invalid', /^\/body\/address(\/a)+$/);
        // ~130,000 levels fit in the default 256 KB body limit.
        const depth = Math.floor((t.ctx.config.bodyLimitBytes - 40) / 2);
        const big = await t.call(
          'officer',
          'POST',
          '/api/v1/customers',
          `{"x":${deepArray(depth)}}`,
          JSON_HEADERS,
        );
        assertProblem(big, 400, 'request.invalid', /^\/body\/x(\/0)+$/);
      });

      test('nesting up to the limit is left to the schema (64 levels are not refused as too deep)', async () => {
        // body = level 1, so the array under it may nest 63 more.
        const r = await t.call(
          'officer',
          'POST',
          '/api/v1/customers',
          `{"displayName":"Tan Mei","x":${deepArray(63)}}`,
          JSON_HEADERS,
        );
        assertProblem(r, 400, 'request.invalid', '/body/x');
        assert.equal(r.data.errors[0].message, 'is not a known field');
      });
    });

    describe('unpaired surrogates', () => {
      test('a lone surrogate in a text field is a 400 with its pointer (was a 500 on PostgreSQL)', async () => {
        for (const displayName of ['Tan\ud800Mei', 'Tan\udc00', '\udbff']) {
          const r = await t.call('officer', 'POST', '/api/v1/customers', { displayName });
          assertProblem(r, 400, 'request.invalid', '/body/displayName');
          assert.match(r.data.errors[0].message, /surrogate/);
        }
        // Inside an array, in a nested object, and as a property name.
        const inArray = await t.call('officer', 'POST', '/api/v1/customers', {
          displayName: 'Tan Mei',
          emails: ['a@example.com', 'b\ud800@example.com'],
        });
        assertProblem(inArray, 400, 'request.invalid', '/body/emails/1');
        const asKey = await t.call('officer', 'POST', '/api/v1/customers', {
          displayName: 'Tan Mei',
          'x\ud800': 1,
        });
        assertProblem(asKey, 400, 'request.invalid', '/body/x\ud800');
        const contact = await t.call('officer', 'POST', '/api/v1/contacts', {
          channel: 'phone',
          direction: 'inbound',
          notes: 'caller said \udfff',
        });
        assertProblem(contact, 400, 'request.invalid', '/body/notes');
      });

      test('well-formed text outside the BMP is accepted and stored as sent', async () => {
        const r = await t.call('officer', 'POST', '/api/v1/customers', { displayName: 'Tan Mei 😀 𠀋' });
        assert.equal(r.statusCode, 201, r.body);
        assert.equal(r.data.displayName, 'Tan Mei 😀 𠀋');
      });

      test('NUL is still refused', async () => {
        const r = await t.call('officer', 'POST', '/api/v1/customers', { displayName: 'Tan\u0000Mei' });
        assertProblem(r, 400, 'request.invalid', '/body/displayName');
      });
    });

    describe('instants out of range', () => {
      test('startedAt in year 0000 or after 9999 is a 400 (was a 500 on PostgreSQL)', async () => {
        for (const startedAt of [
          '0000-01-01T00:00:00Z',
          '1899-06-01T00:00:00Z',
          '9999-12-31T23:30:00-01:00',
        ]) {
          const r = await t.call('officer', 'POST', '/api/v1/contacts', {
            channel: 'phone',
            direction: 'inbound',
            startedAt,
          });
          assertProblem(r, 400, 'request.invalid', '/body/startedAt');
        }
        const ok = await t.call('officer', 'POST', '/api/v1/contacts', {
          channel: 'phone',
          direction: 'inbound',
          startedAt: '2026-11-23T08:55:00Z',
        });
        assert.equal(ok.statusCode, 201, ok.body);
      });

      test('a crafted cursor with year 0000 or 30 February is a 400 on every paged list', async () => {
        for (const at of ['0000-01-01T00:00:00.000Z', '2026-02-30T00:00:00.000Z']) {
          const cursor = encodeCursor(at, UNKNOWN);
          for (const list of [
            '/api/v1/contacts',
            '/api/v1/cases',
            '/api/v1/customers',
            '/api/v1/kb/articles',
          ]) {
            const r = await t.call('supervisor', 'GET', `${list}?cursor=${cursor}`);
            assertProblem(r, 400, 'request.invalid', '/query/cursor');
          }
        }
      });
    });

    describe('errors Fastify and Node answer themselves', () => {
      test('a path parameter over maxParamLength: 414 problem+json', async () => {
        // A write: GET and HEAD fall through to the desktop's static wildcard and get a 404.
        const r = await t.call('officer', 'PATCH', `/api/v1/contacts/${'a'.repeat(500)}`, { notes: 'x' });
        assertProblem(r, 414, 'request.param_too_long');
        assert.equal(r.data.instance, `/api/v1/contacts/${'a'.repeat(500)}`);
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.equal(r.headers['cache-control'], 'no-store');
      });

      test('a malformed percent-encoding in the path: 400 problem+json', async () => {
        const r = await t.call('officer', 'GET', '/api/v1/cases/%E0%A4%A');
        assertProblem(r, 400, 'request.invalid');
      });

      describe('on a listening server', () => {
        let port = 0;
        let listening: { app: FastifyInstance; close(): Promise<void> } | undefined;
        before(async () => {
          // A second app on the same database: this one is closed by the last test.
          const ctx: Ctx = {
            store: t.ctx.store,
            clock: t.ctx.clock,
            config: t.ctx.config,
          };
          const { app } = await buildApp(ctx, { logger: false });
          const f = app as unknown as FastifyInstance;
          await f.listen({ port: 0, host: '127.0.0.1' });
          const addr = f.server.address();
          port = typeof addr === 'object' && addr ? addr.port : 0;
          listening = { app: f, close: () => f.close() };
        });
        after(async () => {
          await listening?.close();
        });

        test('a query string over the header limit: 431 problem+json', async () => {
          const raw = await rawExchange(
            port,
            `GET /api/v1/customers?q=${'9'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
          );
          const [res] = parseResponses(raw);
          assert.ok(res, raw.slice(0, 200));
          assert.equal(res.status, 431);
          assert.match(res.headers['content-type']!, /^application\/problem\+json/);
          assert.equal(JSON.parse(res.body).code, 'request.header_too_large');
          assert.equal(res.headers['x-content-type-options'], 'nosniff');
        });

        test('a header over the limit: 431 problem+json; not HTTP at all: 400 problem+json', async () => {
          const [big] = parseResponses(
            await rawExchange(
              port,
              `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
            ),
          );
          assert.equal(big?.status, 431);
          assert.match(big.headers['content-type']!, /^application\/problem\+json/);
          const [garbage] = parseResponses(await rawExchange(port, 'HELLO THERE\r\n\r\n'));
          assert.equal(garbage?.status, 400);
          assert.match(garbage.headers['content-type']!, /^application\/problem\+json/);
          assert.equal(JSON.parse(garbage.body).code, 'request.invalid');
        });

        test('Chromium refuses to show the desktop inside a frame on another site', {
          skip: !haveChromium ? 'no Chromium' : dialect !== 'sqlite' ? 'no database involved' : false,
        }, async () => {
          const browser = await launchChromium();
          try {
            const page = await browser.newPage();
            const refused: string[] = [];
            page.on('console', (m) => {
              if (/frame-ancestors/.test(m.text())) refused.push(m.text());
            });
            // A page of another site (no CSP of its own) that frames the desktop.
            await page.setContent(`<iframe src="http://localhost:${port}/"></iframe>`);
            await page.waitForTimeout(1000);
            const framed = page.frames().find((f) => f !== page.mainFrame());
            const hasDesktop = framed
              ? await framed.evaluate(() => !!document.getElementById('root')).catch(() => false)
              : false;
            assert.equal(hasDesktop, false, 'the desktop rendered inside a foreign frame');
            assert.ok(refused.length > 0, 'Chromium reports the frame-ancestors refusal');
          } finally {
            await browser.close();
          }
        });

        test('while closing, a request on an open connection gets 503 problem+json', async () => {
          const body = JSON.stringify({ username: 'nobody', password: 'wrong password' });
          const raw = await rawExchange(port, async (s) => {
            // Request 1 is in flight (half its body sent) when the server starts closing…
            s.write(
              `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
            );
            await new Promise((r) => setTimeout(r, 50));
            const closed = listening!.close();
            listening = undefined;
            await new Promise((r) => setTimeout(r, 50));
            // …then it completes, and request 2 arrives pipelined on the same connection.
            s.write(`${body.slice(10)}GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n`);
            await closed;
          });
          const responses = parseResponses(raw);
          assert.equal(responses.length, 2, raw.slice(0, 500));
          // Request 1 was under way: it is answered as usual (an unknown user), not refused.
          assert.ok(responses[0]!.status >= 400 && responses[0]!.status < 500, String(responses[0]!.status));
          assert.equal(responses[1]!.status, 503);
          assert.match(responses[1]!.headers['content-type']!, /^application\/problem\+json/);
          assert.equal(JSON.parse(responses[1]!.body).code, 'server.closing');
        });
      });
    });

    describe('security headers', () => {
      const SECURITY = (r: Res, what: string) => {
        const csp = String(r.headers['content-security-policy'] ?? '');
        assert.match(csp, /frame-ancestors 'none'/, `${what}: ${csp}`);
        assert.equal(r.headers['x-frame-options'], 'DENY', what);
        assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
        assert.equal(r.headers['referrer-policy'], 'no-referrer', what);
      };

      test('every API answer: helmet headers and Cache-Control: no-store (success, 4xx, 404, 401)', async () => {
        const answers: [string, Res][] = [
          ['health', await t.call(null, 'GET', '/api/v1/health')],
          ['a customer list', await t.call('officer', 'GET', '/api/v1/customers?q=tan')],
          ['a 400', await t.call('officer', 'POST', '/api/v1/customers', {})],
          ['a 401', await t.call(null, 'GET', '/api/v1/customers')],
          ['a 404 route', await t.call(null, 'GET', '/api/v1/nothing-here')],
        ];
        for (const [what, r] of answers) {
          SECURITY(r, what);
          assert.equal(r.headers['cache-control'], 'no-store', what);
        }
      });

      test('the desktop: a CSP that allows its own script and styles only, and no no-store on assets', async () => {
        const page = await t.call(null, 'GET', '/');
        assert.equal(page.statusCode, 200);
        SECURITY(page, 'the desktop page');
        const csp = String(page.headers['content-security-policy']);
        assert.match(csp, /script-src 'self'(;|$)/);
        assert.match(csp, /default-src 'self'/);
        assert.doesNotMatch(csp, /upgrade-insecure-requests/);
        const index = path.resolve('dist/web/index.html');
        if (!fs.existsSync(index)) {
          console.warn('\n!!! dist/web is not built: the static asset check is NOT running !!!\n');
          return;
        }
        const asset = /src="(\/assets\/[^"]+\.js)"/.exec(fs.readFileSync(index, 'utf8'))?.[1];
        assert.ok(asset, 'the built index.html names its script');
        const js = await t.call(null, 'GET', asset);
        assert.equal(js.statusCode, 200);
        assert.notEqual(js.headers['cache-control'], 'no-store');
        assert.equal(js.headers['x-content-type-options'], 'nosniff');
      });

      test('the API docs page carries the headers too', async () => {
        const r = await t.call(null, 'GET', '/api/v1/docs/');
        assert.equal(r.statusCode, 200);
        SECURITY(r, 'the API docs');
      });

      test('429 on login carries Retry-After in seconds', async () => {
        const limited = await makeTestApp(dialect, { env: { FRONTLINE_LOGIN_PER_IP_PER_MINUTE: '2' } });
        try {
          let last: Res | undefined;
          for (let i = 0; i < 3; i += 1) {
            last = await limited.call(null, 'POST', '/api/v1/auth/login', {
              username: 'officer',
              password: TEST_PASSWORD,
            });
          }
          assertProblem(last!, 429, 'auth.rate_limited');
          assert.match(String(last!.headers['retry-after']), /^[1-9]\d*$/);
          assert.ok(Number(last!.headers['retry-after']) <= 60);
        } finally {
          await limited.close();
        }
      });
    });
  });
}

describe('request logs', () => {
  test('customer search terms never reach the log: path and parameter names only', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const store = await openTestDb('sqlite');
    const ctx: Ctx = {
      store,
      clock: fixedClock('2026-11-23T09:00:00.000Z'),
      config: { ...loadConfig({ FRONTLINE_DATA_DIR: '/tmp/frontline-test' }), secureCookies: false },
    };
    const { app } = await buildApp(ctx, { logger: { level: 'info', stream } });
    const f = app as unknown as FastifyInstance;
    try {
      await f.inject({ method: 'GET', url: '/api/v1/customers?q=S1234567D&limit=5' });
      await f.inject({ method: 'GET', url: '/api/v1/customers?q=%2B65%209123%204567' });
      await f.inject({ method: 'GET', url: '/help?q=S7654321Z' });
      await f.inject({ method: 'GET', url: `/api/v1/cases/${'9'.repeat(200)}?q=S1111111A` });
    } finally {
      await app.close();
      await store.close();
    }
    const log = lines.join('');
    assert.ok(log.includes('incoming request'), 'request logging is on');
    for (const secret of ['S1234567D', '9123', 'S7654321Z', 'S1111111A']) {
      assert.ok(!log.includes(secret), `${secret} is in the log:\n${log}`);
    }
    const urls = lines
      .map((l) => JSON.parse(l) as { req?: { url: string } })
      .flatMap((l) => l.req?.url ?? []);
    assert.ok(urls.includes('/api/v1/customers?q=[redacted]&limit=[redacted]'), urls.join('\n'));
    assert.ok(urls.includes('/help?q=[redacted]'), urls.join('\n'));
  });
});
