import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ApiError, api } from '../../src/web/app/api.ts';

/**
 * The desktop's one way to the API never waits for ever, and every failure is an ApiError the
 * screens can show: no answer, no answer in time, an answer that is not the API's.
 */
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** A fetch that answers with `respond`, or never (until the request's signal aborts it). */
function fakeFetch(respond?: () => Response | Promise<Response>) {
  globalThis.fetch = ((_url: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      if (respond) Promise.resolve(respond()).then(resolve, reject);
    })) as typeof fetch;
}

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e.problem;
  }
  assert.fail('resolved');
};

describe('api()', () => {
  test('a server that never answers ends in a timeout problem, not a spinner', async () => {
    fakeFetch();
    const t0 = Date.now();
    const p = await failure(api('GET', '/cases', undefined, { timeoutMs: 50 }));
    assert.equal(p.code, 'timeout');
    assert.match(p.title, /did not answer within/);
    assert.ok(Date.now() - t0 < 2000);
  });

  test('no answer at all is a network problem', async () => {
    globalThis.fetch = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    assert.equal((await failure(api('GET', '/cases'))).code, 'network');
  });

  test('an answer that is not JSON (a proxy page) names its status, even a 200', async () => {
    fakeFetch(() => new Response('<html>gateway</html>', { status: 200 }));
    const p = await failure(api('GET', '/cases'));
    assert.equal(p.code, 'internal');
    assert.equal(p.status, 200);
    fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502 }));
    assert.equal((await failure(api('GET', '/cases'))).status, 502);
  });

  test('a problem from the API comes through as sent; a JSON answer is returned', async () => {
    fakeFetch(
      () =>
        new Response(
          JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, code: 'case.not_found' }),
          {
            status: 404,
          },
        ),
    );
    assert.equal((await failure(api('GET', '/cases/x'))).code, 'case.not_found');
    fakeFetch(() => new Response(JSON.stringify({ items: [1] }), { status: 200 }));
    assert.deepEqual(await api('GET', '/cases'), { items: [1] });
  });
});
