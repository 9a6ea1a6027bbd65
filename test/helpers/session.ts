import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import type { TestApp } from './app.ts';

/** Helpers of the HTTP-level auth tests (sign-in, sessions, CSRF, the authorization matrix). */

/** A response with its body parsed, as the helpers' call() gives it. */
export type Res = Awaited<ReturnType<TestApp['call']>>;

/** The rows of a table that a refused request must not add to. */
export const count = async (t: TestApp, table: 'audit_log' | 'outbox' | 'sessions') =>
  Number(
    (
      await t.ctx.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** A problem+json answer with this status and code. */
export const isProblem = (r: Res, status: number, code: string) =>
  r.statusCode === status &&
  String(r.headers['content-type']).startsWith('application/problem+json') &&
  r.data?.status === status &&
  r.data?.code === code &&
  typeof r.data?.title === 'string';

/** inject() with a client address and a session cookie; `data` is the parsed JSON. */
export async function req(
  t: TestApp,
  method: InjectOptions['method'],
  url: string,
  opts: {
    body?: unknown;
    cookie?: string;
    csrf?: string;
    ip?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Res> {
  const res = await t.app.inject({
    method,
    url,
    remoteAddress: opts.ip ?? '127.0.0.1',
    headers: { ...(opts.csrf !== undefined ? { 'x-csrf-token': opts.csrf } : {}), ...opts.headers },
    ...(opts.cookie ? { cookies: { frontline_session: opts.cookie } } : {}),
    ...(opts.body !== undefined ? { payload: opts.body as InjectOptions['payload'] } : {}),
  });
  let data: unknown;
  try {
    data = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    data = res.body;
  }
  return Object.assign(res, { data });
}

export const login = (t: TestApp, username: string, password: string, ip = '127.0.0.1') =>
  req(t, 'POST', '/api/v1/auth/login', { body: { username, password }, ip });

export function sessionOf(r: Res): { cookie: string; csrf: string } {
  assert.equal(r.statusCode, 200, r.body);
  const c = r.cookies.find((x) => x.name === 'frontline_session');
  assert.ok(c?.value, 'login sets the frontline_session cookie');
  assert.equal(typeof r.data.csrfToken, 'string');
  assert.ok(r.data.csrfToken.length >= 16);
  return { cookie: c.value, csrf: r.data.csrfToken };
}

export const userRow = (t: TestApp, username: string) =>
  t.ctx.store.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
