import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { type Actor, SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { type Clock, fixedClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import type { Dialect } from '../../src/server/platform/db/index.ts';
import type { Role } from '../../src/shared/contracts/people.ts';
import { ROLES } from '../../src/shared/contracts/people.ts';
import { openTestDb } from './db.ts';

export const TEST_PASSWORD = 'correct horse battery';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response shapes and assert on them field by field
type ResponseBody = any;

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

/**
 * A migrated database, the app over it (inject(), no port), one user per role with a bearer token,
 * and a department and team to hang things on.
 */
export async function makeTestApp(dialect: Dialect, opts: { clock?: Clock; env?: NodeJS.ProcessEnv } = {}) {
  const store = await openTestDb(dialect);
  const config = {
    ...loadConfig({ FRONTLINE_DATA_DIR: '/tmp/frontline-test', ...opts.env }),
    secureCookies: false,
  };
  const clock = opts.clock ?? fixedClock('2026-11-23T09:00:00.000Z');
  const ctx: Ctx = { store, clock, config };
  const { app, services, routes } = await buildApp(ctx, { logger: false });
  const sys = SYSTEM_ACTOR;

  const department = await services.people.createDepartment(sys, {
    name: 'Billing',
    purpose: 'Bills and charges',
    phone: '+65 6100 2000',
    hours: 'Mon–Fri 09:00–18:00',
  });
  const outside = await services.people.createDepartment(sys, {
    name: 'Consumer Advocacy Office',
    purpose: 'Outside mediation',
    phone: '+65 6100 9000',
    external: true,
  });
  const team = await services.people.createTeam(sys, { name: 'Team A', departmentId: department.id });

  const users = {} as Record<Role, { id: string; username: string; actor: Actor; token: string }>;
  for (const role of ROLES) {
    const u = await services.people.createUser(sys, {
      username: role.replace('_', ''),
      displayName: `Test ${role}`,
      role,
      password: TEST_PASSWORD,
      teamId: team.id,
    });
    const { token } = await services.auth.createToken(sys, { name: `${role} test`, userId: u.id });
    users[role] = { id: u.id, username: u.username, actor: { userId: u.id, role, via: 'token' }, token };
  }

  const as = (role: Role) => ({ authorization: `Bearer ${users[role].token}` });

  /** inject() with a role's bearer token (or none when role is null). */
  async function call(
    role: Role | null,
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse & { data: ResponseBody }> {
    const res = await (app as unknown as FastifyInstance).inject({
      method,
      url,
      headers: { ...(role ? as(role) : {}), ...headers },
      ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}),
    });
    let data: unknown;
    try {
      data = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      data = res.body;
    }
    return Object.assign(res, { data });
  }

  return {
    app: app as unknown as FastifyInstance,
    ctx,
    services,
    routes,
    users,
    department,
    outside,
    team,
    as,
    call,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export { fixedClock };
