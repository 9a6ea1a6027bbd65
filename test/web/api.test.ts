import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ApiError, api, fieldWords } from '../../src/web/app/api.ts';
import type { FieldErrorDto, ProblemDto } from '../../src/web/app/types.ts';

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

describe('ApiError: the problem in the reader’s words (issue 12.8)', () => {
  const problem = (p: Partial<ProblemDto> & Pick<ProblemDto, 'code'>): ProblemDto => ({
    type: `https://frontline.dev/problems/${p.code}`,
    title: 'What the server said',
    status: 400,
    ...p,
  });

  test('the title is the catalogue’s for the code; the detail keeps only what the title does not say', () => {
    const e = new ApiError(
      problem({ code: 'case.not_found', title: 'No such case', detail: 'No such case: 0190-abc' }),
    );
    assert.equal(e.title, 'No such case');
    assert.equal(e.titleIsData, false);
    assert.equal(e.detail, '0190-abc', 'the id, not the title twice');
    assert.equal(e.message, 'No such case: 0190-abc');
    // The catalogue's words win over the server's: a server speaking another English is not shown.
    assert.equal(
      new ApiError(problem({ code: 'case.closed', title: 'Case shut' })).title,
      'The case is closed: reopen it first',
    );
    const locked = new ApiError(problem({ code: 'auth.locked', detail: 'Try again in 15 minutes.' }));
    assert.equal(locked.title, 'The account is locked after repeated failed logins');
    assert.equal(locked.detail, 'Try again in 15 minutes.');
  });

  test('a code the catalogue lacks shows the server’s title, marked as data', () => {
    const e = new ApiError(problem({ code: 'case.from_the_future', title: 'A newer server says so' }));
    assert.equal(e.title, 'A newer server says so');
    assert.equal(e.titleIsData, true);
  });

  test('field messages come from the rule, with its params; the server’s English only for a rule the catalogue lacks', () => {
    const e = new ApiError(
      problem({
        code: 'request.invalid',
        detail: '/body/subject must be at most 300 characters; /body/x is new',
        errors: [
          {
            field: '/body/subject',
            message: 'must be at most 300 characters',
            rule: 'maxLength',
            params: { limit: 300 },
          },
          { field: '/body/departmentId', message: 'is required for a transfer', rule: 'requiredForTransfer' },
          { field: '/body/x', message: 'is new', rule: 'fromTheFuture' as FieldErrorDto['rule'] },
        ],
      }),
    );
    assert.equal(e.title, 'The request is not valid');
    assert.equal(e.detail, undefined, 'the fields say it; the English detail is not repeated');
    assert.equal(e.fieldMessage('subject'), 'must be at most 300 characters');
    assert.equal(e.fieldMessage('departmentId'), 'is required for a transfer');
    assert.deepEqual(fieldWords(e.field('x')!), { text: 'is new', data: true });
    assert.deepEqual(fieldWords(e.field('subject')!), {
      text: 'must be at most 300 characters',
      data: false,
    });
    assert.equal(e.fieldMessage('nothing'), undefined);
  });

  test('a problem the desktop makes is already in the reader’s words', () => {
    const e = new ApiError(
      problem({ code: 'internal', title: 'The server answered 502 without saying why' }),
      { local: true },
    );
    assert.equal(e.title, 'The server answered 502 without saying why');
    assert.equal(e.titleIsData, false);
  });
});
