import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import type { RouteAccess } from '../../src/server/platform/types.ts';
import type { Role } from '../../src/shared/contracts/people.ts';
import { PERMISSIONS, type Permission, ROLE_PERMISSIONS } from '../../src/shared/permissions.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { count, isProblem, type Res } from '../helpers/session.ts';
import { auditMatrix } from './fixtures/audit.ts';
import { casesMatrix } from './fixtures/cases.ts';
import { chatMatrix } from './fixtures/chat.ts';
import { contactsMatrix } from './fixtures/contacts.ts';
import { customersMatrix } from './fixtures/customers.ts';
import { followupsMatrix } from './fixtures/followups.ts';
import { knowledgeMatrix } from './fixtures/knowledge.ts';
import { buildMatrixEnv, type Caller, type MatrixEnv, type Req } from './fixtures/matrix.ts';
import { messagesMatrix } from './fixtures/messages.ts';
import { notificationsMatrix } from './fixtures/notifications.ts';
import { peopleMatrix } from './fixtures/people.ts';
import { platformMatrix } from './fixtures/platform.ts';
import { presenceMatrix } from './fixtures/presence.ts';
import { routingMatrix } from './fixtures/routing.ts';
import { scriptsMatrix } from './fixtures/scripts.ts';
import { searchMatrix } from './fixtures/search.ts';
import { slaMatrix } from './fixtures/sla.ts';
import { smsMatrix } from './fixtures/sms.ts';
import { webhooksMatrix } from './fixtures/webhooks.ts';

/**
 * What each ROLE may do, per PERMISSION, written by hand from what a contact centre needs. It is
 * deliberately NOT derived from ROLE_PERMISSIONS (src/shared/permissions.ts): a wrong grant or a
 * missing one in the code must disagree with this table. The role × route matrix below follows from
 * it and the permission each route demands (its config.access, which each module's fixture file
 * states again in `needs`); every route is then called as every role.
 *
 *   Y / .   the role in that column holds / lacks the permission: a route that demands it answers
 *           the role (a 403 auth.forbidden where it lacks it)
 *
 * Every non-public route answers 401 auth.unauthenticated to a caller without credentials.
 *
 * Reasoning in brief: frontline staff (officer, trainee, team leader) and supervisors handle
 * customers, contacts and cases; a trainee does not change accounts; a trainer assesses against
 * real records, read-only; team leaders, supervisors and trainers see the staff list; supervisors
 * run the referral directory, teams, case categories and the verification policy (settings); user
 * accounts and API tokens belong to the administrator, who may do everything. Service levels:
 * everyone reads the calendars, policies, escalation rules and SLA settings they are measured by,
 * and sees escalations and a case's clocks; supervisors set them. An urgent escalation is
 * acknowledged by the action party's team leader or anyone above (supervisor, administrator),
 * never by an officer, trainee or trainer. Follow-up commitments and progress updates are frontline
 * work like notes (cases.write). Notifications and the live stream are each signed-in user's own,
 * so they need only a sign-in. Knowledge: everyone reads published articles; all but trainers
 * record that one helped and discuss proposed solutions (kb.contribute: a trainer changes nothing);
 * frontline writers (officer, team leader, supervisor) draft, submit and propose solutions;
 * team leaders and supervisors approve, reject and archive, agree or decline solutions and send
 * articles to teams to acknowledge (and see who has not); synonyms, import and export belong to
 * supervisors. Public help (published public articles) needs no login. Templates and call scripts:
 * everyone uses them, leaders and up write them. Anyone handling a case may raise a policy
 * inconsistency on it; only leaders can be the named authority who answers, and see every flag.
 * Only supervisors (and administrators) read the audit trail and see particulars unmasked without
 * a verified contact. Mailboxes (their passwords, where cases go), webhooks for integrators and the
 * mail that failed or was ignored are the administrator's, the IT officer of the design
 * (channels.manage).
 */
const TABLE = `
  permission                off trn tl  sup trr adm
  customers.read            Y   Y   Y   Y   Y   Y
  customers.write           Y   Y   Y   Y   .   Y
  accounts.write            Y   .   Y   Y   .   Y
  contacts.read             Y   Y   Y   Y   Y   Y
  contacts.write            Y   Y   Y   Y   .   Y
  cases.read                Y   Y   Y   Y   Y   Y
  cases.write               Y   Y   Y   Y   .   Y
  directory.read            Y   Y   Y   Y   Y   Y
  directory.manage          .   .   .   Y   .   Y
  teams.read                Y   Y   Y   Y   Y   Y
  teams.manage              .   .   .   Y   .   Y
  users.read                .   .   Y   Y   Y   Y
  users.manage              .   .   .   .   .   Y
  categories.read           Y   Y   Y   Y   Y   Y
  categories.manage         .   .   .   Y   .   Y
  settings.manage           .   .   .   Y   .   Y
  tokens.manage             .   .   .   .   .   Y
  audit.read                .   .   .   Y   .   Y
  sla.read                  Y   Y   Y   Y   Y   Y
  sla.manage                .   .   .   Y   .   Y
  escalations.acknowledge   .   .   Y   Y   .   Y
  kb.read                   Y   Y   Y   Y   Y   Y
  kb.contribute             Y   Y   Y   Y   .   Y
  kb.write                  Y   .   Y   Y   .   Y
  kb.publish                .   .   Y   Y   .   Y
  kb.manage                 .   .   .   Y   .   Y
  policy_flags.review       .   .   Y   Y   .   Y
  templates.read            Y   Y   Y   Y   Y   Y
  templates.manage          .   .   Y   Y   .   Y
  pii.unmasked              .   .   .   Y   .   Y
  customers.merge           .   .   .   Y   .   Y
  channels.manage           .   .   .   .   .   Y
  presence.self             Y   Y   Y   Y   .   Y
  presence.team             .   .   Y   Y   .   Y
  presence.manage           .   .   .   .   .   Y
  routing.manage            .   .   Y   Y   .   Y
`;

/** The routes anyone may call, with or without credentials. */
const PUBLIC = [
  'GET /api/v1/health',
  'GET /api/v1/openapi.json',
  'GET /api/v1/public/kb/articles/:slug',
  'GET /api/v1/public/kb/attachments/:id',
  'GET /api/v1/public/kb/search',
  'POST /api/v1/auth/login',
  // The desktop's check on load: 200 signed in or not (no 401 in a signed-out browser's console).
  'GET /api/v1/auth/session/probe',
  // An SMS provider's webhooks: authenticated by their signature (X-Twilio-Signature), not a session.
  'POST /api/v1/channels/sms/:id/inbound',
  'POST /api/v1/channels/sms/:id/status',
  // The web chat widget's socket: the Origin is checked on the upgrade (issue 14).
  'GET /api/v1/widget/:id/socket',
  // Its files: authenticated by the visitor's chat token (X-Chat-Token), not a session.
  'POST /api/v1/widget/:id/files',
  'GET /api/v1/widget/files/:id',
];

/** The routes every signed-in user may call: their own session, notifications and stream. */
const SIGNED_IN = [
  'GET /api/v1/auth/session',
  'POST /api/v1/auth/logout',
  'GET /api/v1/notifications',
  'POST /api/v1/notifications/:id/read',
  'POST /api/v1/notifications/read-all',
  'GET /api/v1/stream',
  // One search box: each group inside asks its own permission (cases.read, customers.read, kb.read).
  'GET /api/v1/search',
];

const MODULES = [
  platformMatrix,
  peopleMatrix,
  customersMatrix,
  contactsMatrix,
  casesMatrix,
  slaMatrix,
  followupsMatrix,
  notificationsMatrix,
  knowledgeMatrix,
  scriptsMatrix,
  auditMatrix,
  searchMatrix,
  messagesMatrix,
  webhooksMatrix,
  chatMatrix,
  smsMatrix,
  presenceMatrix,
  routingMatrix,
];

/** Column order of the table above. */
const COLUMNS: readonly Role[] = [
  'officer',
  'trainee',
  'team_leader',
  'supervisor',
  'trainer',
  'administrator',
];
const CALLERS: readonly Caller[] = [null, ...COLUMNS];
const label = (c: Caller) => c ?? 'no credentials';

function parseTable(text: string): Map<Permission, ReadonlySet<Role>> {
  const out = new Map<Permission, ReadonlySet<Role>>();
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const line of lines.slice(1)) {
    const [permission, ...cells] = line.split(/\s+/);
    if (!(PERMISSIONS as readonly string[]).includes(permission!))
      throw new Error(`table names an unknown permission: ${line}`);
    if (out.has(permission as Permission)) throw new Error(`table names ${permission} twice`);
    if (cells.length !== COLUMNS.length || cells.some((c) => c !== 'Y' && c !== '.'))
      throw new Error(`table line needs ${COLUMNS.length} cells of Y or .: ${line}`);
    out.set(permission as Permission, new Set(COLUMNS.filter((_, i) => cells[i] === 'Y')));
  }
  return out;
}

const MAY = parseTable(TABLE);

/** Who may call a route that demands `access`: null for public (anyone, credentials or not). */
function allowedFor(access: RouteAccess): ReadonlySet<Role> | null {
  if (access === 'public') return null;
  if (access === 'authenticated') return new Set(COLUMNS);
  const roles = MAY.get(access);
  if (!roles) throw new Error(`no table line for ${access}`);
  return roles;
}

describe('authorization matrix (sqlite: the HTTP layer is the same on both databases)', () => {
  let t: TestApp;
  let m: MatrixEnv;
  const requests: Record<string, (role: Caller) => Promise<Req> | Req> = {};
  before(async () => {
    t = await makeTestApp('sqlite');
    m = await buildMatrixEnv(t);
    for (const mod of MODULES) Object.assign(requests, mod.requests(m));
  });
  after(() => t?.close());

  /** What the route table says each route demands: the matrix's rows. */
  const accessOf = () => new Map(t.routes.map((r) => [`${r.method} ${r.url}`, r.access]));

  async function send(route: string, caller: Caller, req: Req, method?: string): Promise<Res> {
    const [verb, url] = route.split(' ') as [string, string];
    let filled = req.id ? url.replace(':id', req.id).replace(':slug', req.id) : url;
    for (const [k, v] of Object.entries(req.params ?? {}))
      filled = filled.replace(`:${k}`, encodeURIComponent(v));
    const path = req.query ? `${filled}?${req.query}` : filled;
    return t.call(caller, (method ?? verb) as InjectOptions['method'], path, req.body, req.headers);
  }

  test('the table names every permission, and administrators hold them all', () => {
    assert.deepEqual([...MAY.keys()].sort(), [...PERMISSIONS].sort());
    for (const [permission, roles] of MAY) assert.ok(roles.has('administrator'), permission);
  });

  test('ROLE_PERMISSIONS grants each role exactly what the table says', () => {
    const wrong: string[] = [];
    for (const [permission, roles] of MAY) {
      for (const role of COLUMNS) {
        const granted = ROLE_PERMISSIONS[role].has(permission);
        if (granted !== roles.has(role))
          wrong.push(`${role} ${granted ? 'holds' : 'lacks'} ${permission}, want the opposite`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('every route has a request and a permission in its module, no more and no fewer', () => {
    const registered = [...accessOf().keys()].sort();
    const needs = MODULES.flatMap((mod) => Object.keys(mod.needs));
    assert.deepEqual(
      needs.filter((r, i) => needs.indexOf(r) !== i),
      [],
      'routes in two modules',
    );
    assert.deepEqual(
      registered.filter((r) => !needs.includes(r)),
      [],
      'routes without a fixture: add them to test/api/fixtures/<module>.ts (needs and requests)',
    );
    assert.deepEqual(
      needs.filter((r) => !registered.includes(r)),
      [],
      'fixtures for routes the app does not register',
    );
    assert.deepEqual(Object.keys(requests).sort(), [...needs].sort(), 'every route has a request');
    assert.ok(registered.length >= 41, `only ${registered.length} routes registered`);
  });

  test("every route demands the permission its module says (config.access = the fixture's needs)", () => {
    const access = accessOf();
    const wrong: string[] = [];
    for (const mod of MODULES) {
      for (const [route, want] of Object.entries(mod.needs)) {
        const got = access.get(route);
        if (got !== undefined && got !== want) wrong.push(`${route}: demands ${got}, want ${want}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test("every route's access is a known permission, 'authenticated' or 'public'; the open ones are exactly those expected", () => {
    const access = [...accessOf()];
    const known = new Set<string>([...PERMISSIONS, 'authenticated', 'public']);
    assert.deepEqual(
      access.filter(([, a]) => !known.has(a)).map(([r, a]) => `${r}: ${a}`),
      [],
    );
    assert.deepEqual(
      access
        .filter(([, a]) => a === 'public')
        .map(([r]) => r)
        .sort(),
      [...PUBLIC].sort(),
      'public routes',
    );
    assert.deepEqual(
      access
        .filter(([, a]) => a === 'authenticated')
        .map(([r]) => r)
        .sort(),
      [...SIGNED_IN].sort(),
      'routes open to any signed-in user',
    );
  });

  // The rows: one test per route, named from the fixtures (the route table is known only once the
  // app is built; the coverage tests above fail if the two disagree).
  const ROWS = MODULES.flatMap((mod) => Object.entries(mod.needs));
  for (const [route, needs] of ROWS) {
    const allowed0 = allowedFor(needs);
    const who =
      allowed0 === null
        ? 'public'
        : allowed0.size === COLUMNS.length
          ? 'every signed-in role'
          : `only ${[...allowed0].join(', ')}`;
    test(`${route}: ${who}`, async () => {
      // The route table decides, not the fixture: a route that demands another permission than its
      // module says fails above, and is called here as it really is.
      const access = accessOf().get(route);
      assert.ok(access, `${route} is registered`);
      const allowed = allowedFor(access);
      const wrong: string[] = [];
      for (const caller of CALLERS) {
        const req = await requests[route]!(caller);
        const audit0 = await count(t, 'audit_log');
        const outbox0 = await count(t, 'outbox');
        const r = await send(route, caller, req);
        const got = `${r.statusCode} ${r.data?.code ?? ''}`.trim();
        const cell = `${label(caller)}: got ${got}`;
        if (r.statusCode >= 500) {
          wrong.push(`${cell} (a server error)`);
        } else if (caller === null && allowed !== null) {
          if (!isProblem(r, 401, 'auth.unauthenticated'))
            wrong.push(`${cell}, want 401 auth.unauthenticated`);
        } else if (caller !== null && allowed !== null && !allowed.has(caller)) {
          if (!isProblem(r, 403, 'auth.forbidden')) wrong.push(`${cell}, want 403 auth.forbidden`);
        } else if (r.statusCode === 401 || r.statusCode === 403) {
          wrong.push(`${cell}, want the call let through`);
        } else if (req.allowedAnswer) {
          const { status, code } = req.allowedAnswer;
          if (!isProblem(r, status, code)) wrong.push(`${cell}, want ${status} ${code}`);
        } else if (r.statusCode >= 300) {
          wrong.push(`${cell}, want 2xx from this fixture: ${r.body.slice(0, 200)}`);
        }
        const refused = r.statusCode === 401 || r.statusCode === 403;
        if (refused && ((await count(t, 'audit_log')) !== audit0 || (await count(t, 'outbox')) !== outbox0)) {
          wrong.push(`${label(caller)}: refused but wrote to audit_log/outbox`);
        }
      }
      assert.deepEqual(wrong, [], `${route}\n  ${wrong.join('\n  ')}`);
    });
  }

  test('HEAD on every GET route follows the same rules as GET', async () => {
    const wrong: string[] = [];
    for (const [route, access] of accessOf()) {
      if (!route.startsWith('GET ')) continue;
      const allowed = allowedFor(access);
      for (const caller of CALLERS) {
        const req = await requests[route]!(caller);
        const r = await send(route, caller, req, 'HEAD');
        const want =
          caller === null && allowed !== null
            ? 401
            : caller !== null && allowed !== null && !allowed.has(caller)
              ? 403
              : (req.allowedAnswer?.status ?? 200);
        if (r.statusCode !== want)
          wrong.push(`HEAD ${route.slice(4)} as ${label(caller)}: ${r.statusCode}, want ${want}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('an unknown route answers 404 route.not_found as problem+json, with or without credentials', async () => {
    for (const caller of [null, 'officer'] as const) {
      const r = await t.call(caller, 'GET', '/api/v1/no-such-thing');
      assert.ok(isProblem(r, 404, 'route.not_found'), `${label(caller)}: ${r.statusCode} ${r.body}`);
    }
  });
});
