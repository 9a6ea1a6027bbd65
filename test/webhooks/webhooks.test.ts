import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import {
  DISABLE_AFTER_FAILURES,
  MAX_ATTEMPTS,
  RETRY_DELAYS_MS,
} from '../../src/server/modules/webhooks/webhooks.sender.ts';
import { WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT } from '../../src/shared/contracts/webhooks.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase, buildCustomer } from '../helpers/factories.ts';

/** A request the receiver got. */
interface Got {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP receiver on a free local port. `answer` decides each response: a status, or 'hang'
 * (headers never sent: the sender's timeout must end it).
 */
async function receiver(answer: (n: number) => number | 'hang' = () => 200) {
  const got: Got[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answer(got.length);
      if (a === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(a, { 'content-type': 'text/plain' }).end(a < 300 ? 'ok' : `no: ${a}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    got,
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The Standard Webhooks check, written out from the spec (not the server's own code). */
function verifies(secret: string, g: { headers: http.IncomingHttpHeaders; body: string }): boolean {
  const id = String(g.headers['webhook-id']);
  const ts = String(g.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const want = createHmac('sha256', key).update(`${id}.${ts}.${g.body}`).digest();
  return String(g.headers['webhook-signature'])
    .split(' ')
    .some((s) => {
      const [v, sig] = s.split(',');
      const b = Buffer.from(sig ?? '', 'base64');
      return v === 'v1' && b.length === want.length && timingSafeEqual(b, want);
    });
}

const START = '2026-11-23T09:00:00.000Z';

async function app(dialect: Parameters<typeof makeTestApp>[0]) {
  const clock = fixedClock(START);
  const t = await makeTestApp(dialect, { clock, env: { FRONTLINE_WEBHOOKS_ALLOW_PRIVATE: '1' } });
  return { t, clock };
}

async function subscribe(t: TestApp, url: string, events: string[]) {
  const r = await t.call('administrator', 'POST', '/api/v1/webhooks', { url, events });
  assert.equal(r.statusCode, 201, r.body);
  assert.match(r.data.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  return r.data as { id: string; secret: string };
}

/** Publish the outbox (the fan-out runs in the claim) and send what is due. */
async function pump(t: TestApp) {
  await t.services.dispatcher.drain();
  await t.services.webhookSender.drain();
}

const deliveriesOf = async (t: TestApp, id: string) => {
  const r = await t.call('administrator', 'GET', `/api/v1/webhooks/${id}/deliveries`);
  assert.equal(r.statusCode, 200, r.body);
  return r.data.items as {
    id: string;
    event: string;
    state: string;
    attempts: number;
    attemptLog: { status: number | null; error: string | null; attempt: number }[];
  }[];
};

for (const dialect of await dialects()) {
  describe(`webhooks on ${dialect}`, () => {
    const closing: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of closing) await c();
    });

    test('a subscribed event arrives once, signed per Standard Webhooks; other events do not', async () => {
      const { t, clock } = await app(dialect);
      const rx = await receiver();
      const other = await receiver();
      closing.push(t.close, rx.close, other.close);
      const ep = await subscribe(t, rx.url, ['case.created']);
      await subscribe(t, other.url, ['customer.updated']);
      const { case: c } = await buildCase(t);
      await pump(t);
      await pump(t);

      assert.equal(rx.got.length, 1, 'exactly one delivery');
      assert.equal(other.got.length, 0, 'an unsubscribed event does not arrive');
      const g = rx.got[0]!;
      const body = JSON.parse(g.body);
      assert.equal(body.type, 'case.created');
      assert.equal(body.timestamp, START);
      assert.deepEqual(body.data, { id: c.id, version: 1 });
      assert.equal(g.headers['content-type'], 'application/json');
      assert.match(String(g.headers['user-agent']), /^Frontline-Webhooks\//);
      assert.equal(g.headers['webhook-timestamp'], String(Date.parse(START) / 1000));
      const [delivery] = await deliveriesOf(t, ep.id);
      assert.equal(g.headers['webhook-id'], delivery!.id, 'webhook-id is the delivery id');
      assert.equal(delivery!.state, 'succeeded');
      assert.deepEqual(
        delivery!.attemptLog.map((a) => a.status),
        [200],
      );
      assert.ok(verifies(ep.secret, g), 'the signature verifies with the spec algorithm');
      assert.ok(
        !verifies(ep.secret, { ...g, body: g.body.replace('"version":1', '"version":2') }),
        'a tampered body fails',
      );
      assert.ok(
        !verifies(ep.secret, { ...g, headers: { ...g.headers, 'webhook-timestamp': '1' } }),
        'a changed timestamp fails',
      );
      assert.ok(!verifies(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, g), 'another key fails');

      // An event from before the endpoint existed is not sent; a new one is, as is a test ping.
      clock.advance(1000);
      const late = await subscribe(t, rx.url, ['*']);
      await t.call('administrator', 'POST', `/api/v1/webhooks/${late.id}/test`);
      await pump(t);
      const sent = rx.got.slice(1).map((x) => JSON.parse(x.body).type);
      assert.deepEqual(sent, ['webhook.test']);

      // A rotated secret: for a day both keys sign, each verifies.
      const rot = await t.call('administrator', 'POST', `/api/v1/webhooks/${ep.id}/rotate-secret`);
      assert.equal(rot.statusCode, 200, rot.body);
      await buildCase(t);
      await pump(t);
      const rotated = rx.got.find(
        (x, i) =>
          i > 1 &&
          JSON.parse(x.body).type === 'case.created' &&
          x.headers['webhook-signature']?.includes(' '),
      );
      assert.ok(rotated, 'a delivery signed with both keys');
      assert.ok(verifies(ep.secret, rotated) && verifies(rot.data.secret, rotated));
    });

    test('a 500 is retried with back-off and then succeeds, with the same webhook-id', async () => {
      const { t, clock } = await app(dialect);
      const rx = await receiver((n) => (n <= 2 ? 500 : 204));
      closing.push(t.close, rx.close);
      const ep = await subscribe(t, rx.url, ['customer.created']);
      await buildCustomer(t);
      await pump(t);
      assert.equal(rx.got.length, 1);
      await pump(t);
      clock.advance(RETRY_DELAYS_MS[0]! * 0.85);
      await pump(t);
      assert.equal(rx.got.length, 1, 'not retried before its back-off');
      clock.advance(RETRY_DELAYS_MS[0]! * 0.15);
      await pump(t);
      assert.equal(rx.got.length, 2, 'retried after 30 s');
      clock.advance(RETRY_DELAYS_MS[1]!);
      await pump(t);
      assert.equal(rx.got.length, 3, 'then after 2 minutes');
      await pump(t);
      clock.advance(RETRY_DELAYS_MS[2]!);
      await pump(t);
      assert.equal(rx.got.length, 3, 'nothing more once it succeeded');

      const ids = new Set(rx.got.map((g) => g.headers['webhook-id']));
      assert.equal(ids.size, 1, 'the same webhook-id on every attempt');
      assert.equal(new Set(rx.got.map((g) => g.body)).size, 1, 'the same body');
      assert.equal(
        new Set(rx.got.map((g) => g.headers['webhook-timestamp'])).size,
        3,
        'a timestamp per attempt',
      );
      for (const g of rx.got) assert.ok(verifies(ep.secret, g));
      const [d] = await deliveriesOf(t, ep.id);
      assert.equal(d!.state, 'succeeded');
      assert.equal(d!.attempts, 3);
      assert.deepEqual(
        d!.attemptLog.map((a) => [a.attempt, a.status]),
        [
          [3, 204],
          [2, 500],
          [1, 500],
        ],
      );
      const hook = await t.call('administrator', 'GET', `/api/v1/webhooks/${ep.id}`);
      assert.equal(hook.data.consecutiveFailures, 0);
      assert.equal(hook.data.status, 'active');
    });

    test('an endpoint that keeps failing is disabled, the administrators are told, nothing more is sent until it is switched on', async () => {
      const { t, clock } = await app(dialect);
      const rx = await receiver(() => 503);
      closing.push(t.close, rx.close);
      const ep = await subscribe(t, rx.url, ['customer.created', 'customer.updated']);
      const first = await buildCustomer(t);
      await pump(t);
      for (const delay of RETRY_DELAYS_MS) {
        clock.advance(delay);
        await pump(t);
      }
      assert.equal(rx.got.length, MAX_ATTEMPTS);
      let [d] = await deliveriesOf(t, ep.id);
      assert.equal(d!.state, 'failed', 'given up after its attempts');
      let hook = (await t.call('administrator', 'GET', `/api/v1/webhooks/${ep.id}`)).data;
      assert.equal(hook.status, 'active', `${MAX_ATTEMPTS} failures in under a day disable nothing`);
      assert.equal(hook.consecutiveFailures, MAX_ATTEMPTS);

      // A day after the first failure, two more fail: ten in a row over 24 h.
      clock.advance(7 * 3_600_000);
      await buildCustomer(t);
      await pump(t);
      clock.advance(RETRY_DELAYS_MS[0]!);
      await pump(t);
      assert.equal(rx.got.length, DISABLE_AFTER_FAILURES);
      hook = (await t.call('administrator', 'GET', `/api/v1/webhooks/${ep.id}`)).data;
      assert.equal(hook.status, 'disabled');
      assert.match(hook.disabledReason, /10 attempts in a row failed over 24 hours; the last: HTTP 503/);
      const told = await t.ctx.store.db
        .selectFrom('notifications')
        .select(['user_id', 'title'])
        .where('kind', '=', 'webhook.disabled')
        .execute();
      assert.deepEqual(
        told.map((n) => n.user_id),
        [t.users.administrator.id],
        'the administrator (and only they) is told',
      );
      assert.match(told[0]!.title, /^Webhook to 127\.0\.0\.1:\d+ disabled$/);

      // Disabled: its waiting delivery is not sent, and new events are not queued for it.
      await t.services.customers.update(t.users.administrator.actor, first.id, {
        displayName: 'Renamed Tan',
      });
      for (let i = 0; i < 3; i++) {
        clock.advance(RETRY_DELAYS_MS.at(-1)!);
        await pump(t);
      }
      assert.equal(rx.got.length, DISABLE_AFTER_FAILURES, 'nothing sent while disabled');
      const all = await deliveriesOf(t, ep.id);
      assert.deepEqual(
        all.map((x) => x.event),
        ['customer.created', 'customer.created'],
        'no delivery queued while disabled',
      );

      // Switched on again: the count is reset and the waiting delivery goes; the failed one on retry.
      const on = await t.call('administrator', 'PATCH', `/api/v1/webhooks/${ep.id}`, { active: true });
      assert.equal(on.statusCode, 200, on.body);
      assert.equal(on.data.status, 'active');
      assert.equal(on.data.consecutiveFailures, 0);
      assert.equal(on.data.disabledAt, null);
      await pump(t);
      assert.equal(rx.got.length, DISABLE_AFTER_FAILURES + 1, 'the waiting delivery goes at once');
      [d] = (await deliveriesOf(t, ep.id)).slice(-1);
      assert.equal(d!.state, 'failed');
      const again = await t.call('administrator', 'POST', `/api/v1/webhook-deliveries/${d!.id}/retry`);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.data.state, 'pending');
      const twice = await t.call('administrator', 'POST', `/api/v1/webhook-deliveries/${d!.id}/retry`);
      assert.equal(twice.statusCode, 409);
      assert.equal(twice.data.code, 'webhook_delivery.pending');
      await pump(t);
      assert.equal(rx.got.length, DISABLE_AFTER_FAILURES + 2, 'the failed delivery is sent again on retry');
      assert.equal(rx.got.at(-1)!.headers['webhook-id'], d!.id);
    });

    test('the delivery log pages newest first', async () => {
      const { t, clock } = await app(dialect);
      closing.push(t.close);
      const ep = await subscribe(t, 'http://127.0.0.1:9/unused', ['case.created']);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        clock.advance(1000);
        ids.push((await t.call('administrator', 'POST', `/api/v1/webhooks/${ep.id}/test`)).data.id);
      }
      const first = await t.call('administrator', 'GET', `/api/v1/webhooks/${ep.id}/deliveries?limit=2`);
      assert.equal(first.statusCode, 200, first.body);
      assert.deepEqual(
        first.data.items.map((d: { id: string }) => d.id),
        [ids[2], ids[1]],
      );
      const next = await t.call(
        'administrator',
        'GET',
        `/api/v1/webhooks/${ep.id}/deliveries?limit=2&cursor=${first.data.nextCursor}`,
      );
      assert.deepEqual(
        next.data.items.map((d: { id: string }) => d.id),
        [ids[0]],
      );
      assert.equal(next.data.nextCursor, null);
      const pending = await t.call(
        'administrator',
        'GET',
        `/api/v1/webhooks/${ep.id}/deliveries?state=succeeded`,
      );
      assert.deepEqual(pending.data.items, []);
    });

    test('410 Gone disables the endpoint at once', async () => {
      const { t } = await app(dialect);
      const rx = await receiver(() => 410);
      closing.push(t.close, rx.close);
      const ep = await subscribe(t, rx.url, ['customer.created']);
      await buildCustomer(t);
      await pump(t);
      const hook = (await t.call('administrator', 'GET', `/api/v1/webhooks/${ep.id}`)).data;
      assert.equal(hook.status, 'disabled');
      assert.match(hook.disabledReason, /410 Gone/);
    });

    test('a hanging receiver times out and holds nothing: writes go on meanwhile, even to the delivery row', async () => {
      const { t } = await app(dialect);
      const rx = await receiver(() => 'hang');
      closing.push(t.close, rx.close);
      t.services.webhookSender.timeoutMs = 2000;
      const ep = await subscribe(t, rx.url, ['customer.created']);
      await buildCustomer(t);
      await t.services.dispatcher.drain();
      let settled = false;
      const sending = t.services.webhookSender.drain().finally(() => {
        settled = true;
      });
      while (rx.got.length === 0) await new Promise((r) => setTimeout(r, 10));
      const started = Date.now();
      // A write elsewhere, and one to the very row the sender claimed: neither waits for the receiver.
      await buildCustomer(t);
      const [d] = await deliveriesOf(t, ep.id);
      await t.ctx.store.db
        .updateTable('webhook_deliveries')
        .set({ updated_at: new Date().toISOString() })
        .where('id', '=', d!.id)
        .execute();
      assert.ok(Date.now() - started < 1500, `writes took ${Date.now() - started} ms`);
      assert.equal(settled, false, 'the receiver is still hanging');
      await sending;
      const [after] = await deliveriesOf(t, ep.id);
      assert.equal(after!.state, 'pending', 'to be retried');
      assert.equal(after!.attemptLog[0]!.status, null);
      assert.match(after!.attemptLog[0]!.error ?? '', /timed out after 2000 ms/);
    });
  });
}

describe('SSRF: internal addresses are refused without FRONTLINE_WEBHOOKS_ALLOW_PRIVATE', () => {
  test('on create and update: loopback, private, link-local, internal names; and non-http URLs', async () => {
    const t = await makeTestApp('sqlite');
    try {
      for (const url of [
        'http://127.0.0.1:8080/hooks',
        'http://2130706433/hooks',
        'http://0x7f.1/hooks',
        'http://localhost/hooks',
        'http://api.localhost/hooks',
        'http://10.1.2.3/',
        'http://172.16.0.1/',
        'http://192.168.1.1/',
        'http://169.254.169.254/latest/meta-data/',
        'http://100.64.0.1/',
        'http://0.0.0.0/',
        'http://[::1]/',
        'http://[::ffff:127.0.0.1]/',
        'http://[fd00::1]/',
        'http://[fe80::1]/',
        'http://intranet/',
        'http://printer.local/',
      ]) {
        const r = await t.call('administrator', 'POST', '/api/v1/webhooks', { url, events: ['*'] });
        assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
        assert.deepEqual(
          r.data.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
          [['/body/url', 'privateAddress']],
          url,
        );
      }
      for (const url of [
        'ftp://files.example.com/x',
        'javascript:alert(1)',
        'https://user:pw@hooks.example.com/',
        'not a url',
      ]) {
        const r = await t.call('administrator', 'POST', '/api/v1/webhooks', { url, events: ['*'] });
        assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
        assert.equal(r.data.errors[0].rule, 'httpUrl', url);
      }
      const ok = await t.call('administrator', 'POST', '/api/v1/webhooks', {
        url: 'https://hooks.example.com/frontline',
        events: ['case.created'],
      });
      assert.equal(ok.statusCode, 201, ok.body);
      const patch = await t.call('administrator', 'PATCH', `/api/v1/webhooks/${ok.data.id}`, {
        url: 'http://127.0.0.1/',
      });
      assert.equal(patch.statusCode, 400);
      assert.equal(patch.data.errors[0].rule, 'privateAddress');
    } finally {
      await t.close();
    }
  });
});

describe('the events a form may offer', () => {
  test('GET /webhook-events lists every name an endpoint may subscribe to, and only those', async () => {
    const t = await makeTestApp('sqlite');
    try {
      const r = await t.call('administrator', 'GET', '/api/v1/webhook-events');
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.data.items, [...WEBHOOK_EVENTS]);
      // Each one is taken by a subscription; the test event is not among them (it is sent by hand).
      assert.ok(!r.data.items.includes(WEBHOOK_TEST_EVENT));
      const made = await t.call('administrator', 'POST', '/api/v1/webhooks', {
        url: 'https://hooks.example.com/all-named',
        events: r.data.items,
        active: false,
      });
      assert.equal(made.statusCode, 201, made.body);
    } finally {
      await t.close();
    }
  });
});
