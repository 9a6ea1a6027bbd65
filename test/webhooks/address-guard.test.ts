import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import {
  guardedLookup,
  isInternalAddress,
  post,
  urlProblem,
} from '../../src/server/modules/webhooks/webhooks.transport.ts';

describe('webhook SSRF defence', () => {
  test('internal addresses, IPv4 and IPv6, including IPv4 inside IPv6', () => {
    const internal = [
      '0.0.0.0',
      '10.0.0.1',
      '100.64.1.1',
      '127.0.0.1',
      '127.255.255.254',
      '169.254.169.254',
      '172.16.0.1',
      '172.31.255.255',
      '192.0.0.1',
      '192.0.2.10',
      '192.168.0.1',
      '198.18.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '2002:7f00:1::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'fe80::1%eth0',
      'ff02::1',
      '2001:db8::1',
      'not-an-ip',
    ];
    const external = [
      '8.8.8.8',
      '1.1.1.1',
      '172.32.0.1',
      '100.128.0.1',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
    ];
    assert.deepEqual(
      internal.filter((a) => !isInternalAddress(a)),
      [],
      'internal addresses let through',
    );
    assert.deepEqual(
      external.filter((a) => isInternalAddress(a)),
      [],
      'public addresses refused',
    );
  });

  test('URLs: the form is checked when saved; the flag lets internal ones through', () => {
    assert.deepEqual(urlProblem('http://127.0.0.1/', false), { rule: 'privateAddress', host: '127.0.0.1' });
    assert.equal(urlProblem('http://127.0.0.1/', true), null);
    assert.deepEqual(urlProblem('ftp://example.com/', true), { rule: 'httpUrl' });
    assert.equal(urlProblem('https://hooks.example.com/x?y=1', false), null);
  });

  test('at send time a name is resolved and refused when any address is internal (the socket uses this lookup)', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('localhost', {}, (e) => resolve(e)),
    );
    assert.equal(err?.code, 'EWEBHOOKPRIVATE');
  });

  test('an internal URL is not connected to at send time without the flag', async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const refused = await post(url, '{}', {}, { timeoutMs: 2000, allowPrivate: false });
      assert.equal(refused.status, null);
      assert.match(refused.error ?? '', /refused: 127\.0\.0\.1 is internal/);
      assert.equal(hits, 0);
      const allowed = await post(url, '{}', {}, { timeoutMs: 2000, allowPrivate: true });
      assert.equal(allowed.status, 200);
      assert.equal(allowed.excerpt, 'ok');
      assert.equal(hits, 1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('a redirect is not followed: it is a failure', async () => {
    let hits = 0;
    const server = http.createServer((req, res) => {
      hits++;
      if (req.url === '/go') res.writeHead(307, { location: '/elsewhere' }).end();
      else res.end('followed');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await post(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/go`,
        '{}',
        {},
        { timeoutMs: 2000, allowPrivate: true },
      );
      assert.equal(r.status, 307);
      assert.equal(hits, 1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
