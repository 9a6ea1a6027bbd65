import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import type { Database } from '../../src/server/platform/db/schema.ts';
import type { Role } from '../../src/shared/contracts/people.ts';
import { FIELD_RULES } from '../../src/shared/field-rules.ts';
import { makeTestApp, type TestApp } from './app.ts';
import { dialects } from './db.ts';
import { buildFixtures, type Fx } from './validation-fixtures.ts';

/**
 * The shared machinery of the bad-input tests. Each module lists its own cases beside its tests
 * (test/<area>/<module>.validation.cases.ts: BodyRoute[], IdRoute[], QueryCase[]) and runs them with
 * validationSuite(); test/api/validation.test.ts imports every list and checks that together they
 * cover every route of the route table, and runs the cases every JSON route must refuse.
 */

/** A response with its body parsed, as the helpers' call() gives it. */
export type Res = Awaited<ReturnType<TestApp['call']>>;
export type Method = InjectOptions['method'];

/** A well-formed UUID that names nothing. */
export const UNKNOWN = '01890000-0000-7000-8000-000000000000';

/** A day after the test clock's now (2026-11-23T09:00:00.000Z). */
export const TOMORROW = '2026-11-24T09:00:00.000Z';

/**
 * Every table: a rejected request must leave all of them exactly as they were. Keyed by the
 * schema's table names, so a table added to the schema and not here fails to type-check.
 */
const ALL_TABLES: Record<keyof Database, true> = {
  chat_widgets: true,
  chat_visitors: true,
  chat_conversations: true,
  chat_entries: true,
  chat_identities: true,
  users: true,
  teams: true,
  routing_queues: true,
  routing_profiles: true,
  routing_capacity: true,
  routing_items: true,
  routing_offers: true,
  routing_transfers: true,
  departments: true,
  sessions: true,
  api_tokens: true,
  login_attempts: true,
  customers: true,
  customer_lookup: true,
  customer_names: true,
  accounts: true,
  services: true,
  contacts: true,
  contact_verifications: true,
  contact_cases: true,
  contact_drafts: true,
  case_drafts: true,
  case_views: true,
  idempotency_keys: true,
  case_categories: true,
  cases: true,
  case_events: true,
  case_notes: true,
  case_search: true,
  case_search_pending: true,
  referrals: true,
  business_calendars: true,
  sla_policies: true,
  sla_clocks: true,
  sla_events: true,
  sla_case_targets: true,
  timers: true,
  escalation_rules: true,
  escalations: true,
  notifications: true,
  commitments: true,
  kb_articles: true,
  kb_versions: true,
  kb_attachments: true,
  kb_usage: true,
  kb_synonyms: true,
  kb_terms: true,
  kb_search: true,
  templates: true,
  call_scripts: true,
  solutions: true,
  solution_comments: true,
  disseminations: true,
  dissemination_recipients: true,
  policy_flags: true,
  audit_log: true,
  outbox: true,
  counters: true,
  settings: true,
  mailboxes: true,
  inbound_raw: true,
  messages: true,
  message_attachments: true,
  message_uploads: true,
  case_followers: true,
  sender_blocks: true,
  webhook_endpoints: true,
  webhook_deliveries: true,
  webhook_attempts: true,
  sms_endpoints: true,
  sms_opt_outs: true,
  presence_reasons: true,
  presence_states: true,
  presence_history: true,
};
const TABLES = Object.keys(ALL_TABLES) as (keyof Database)[];

export type Snapshot = Record<string, string[]>;

/**
 * Columns that are bookkeeping, not the record: api_tokens.last_used_at is written by reads, and
 * outbox.published_at by the dispatcher publishing earlier writes' events after their responses
 * (the poke after a refused write may land mid-snapshot). A new outbox row still counts.
 */
const BOOKKEEPING: Partial<Record<keyof Database, string>> = {
  api_tokens: 'last_used_at',
  outbox: 'published_at',
};

/** The content of every table, rows as sorted JSON with the bookkeeping columns blanked. */
export async function snapshot(t: TestApp): Promise<Snapshot> {
  const db = t.ctx.store.db;
  const tables = await Promise.all(
    TABLES.map(async (table) => {
      const rows = (await db
        .selectFrom(table as 'settings')
        .selectAll()
        .execute()) as Record<string, unknown>[];
      return rows
        .map((r) => {
          const column = BOOKKEEPING[table];
          return JSON.stringify(column ? { ...r, [column]: null } : r);
        })
        .sort();
    }),
  );
  return Object.fromEntries(TABLES.map((table, i) => [table, tables[i]!]));
}

export function assertUnchanged(before: Snapshot, after: Snapshot, what: string) {
  const counts = (s: Snapshot) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.length]));
  assert.deepEqual(counts(after), counts(before), `${what}: row counts changed`);
  for (const table of TABLES) assert.deepEqual(after[table], before[table], `${what}: ${table} changed`);
}

const RULES: ReadonlySet<string> = new Set(FIELD_RULES);

export interface Want {
  status: number;
  code: string;
  /** JSON pointers of the failing fields, exactly (order free). Required for request.invalid. */
  fields?: string[];
}

export function assertProblem(r: Res, want: Want, what: string) {
  const ctx = `${what}: ${r.statusCode} ${r.body.slice(0, 400)}`;
  assert.ok(r.statusCode < 500, `a server error. ${ctx}`);
  assert.equal(r.statusCode, want.status, ctx);
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/, ctx);
  assert.equal(r.data?.status, want.status, ctx);
  assert.equal(r.data?.code, want.code, ctx);
  assert.equal(typeof r.data?.title, 'string', ctx);
  assert.ok(r.data.title.length > 0, ctx);
  assert.equal(r.data.type, `https://frontline.dev/problems/${want.code}`, ctx);
  if (want.code === 'request.invalid' && !want.fields)
    throw new Error(`${what}: the test must name the fields`);
  if (want.fields) {
    assert.ok(Array.isArray(r.data.errors) && r.data.errors.length > 0, `errors[] missing. ${ctx}`);
    for (const e of r.data.errors) {
      assert.equal(typeof e.field, 'string', ctx);
      assert.match(e.field, /^\/(body|params|query|headers)(\/|$)/, ctx);
      assert.equal(typeof e.message, 'string', ctx);
      assert.ok(e.message.length > 0, ctx);
      // What is wrong, as a rule the desktop has words for (issue 12.8).
      assert.ok(RULES.has(e.rule), `${e.field}: rule ${e.rule} is not in src/shared/field-rules.ts. ${ctx}`);
    }
    const got = [...new Set<string>(r.data.errors.map((e: { field: string }) => e.field))].sort();
    assert.deepEqual(got, [...want.fields].sort(), ctx);
  }
}

export interface Case {
  name: string;
  body?: unknown | (() => unknown);
  /** Sent as is, with this content type. */
  raw?: () => { payload: string; contentType: string };
  role?: Role | null;
  id?: () => string;
  headers?: Record<string, string>;
  status?: number;
  code?: string;
  fields?: string[];
  message?: RegExp;
}

/** A route that takes a JSON body: the generic bad bodies are sent to it, then its own cases. */
export interface BodyRoute {
  route: string;
  role: Role | null;
  id?: () => string;
  /** The route's own body limit, where it declares one larger than the server's. */
  bodyLimit?: number;
  /** A body the route accepts; generic cases add to it. It is never sent unchanged. */
  valid: () => Record<string, unknown>;
  cases: Case[];
  /** The body is a file's bytes, not JSON (an upload): the generic JSON cases do not apply, its own do. */
  raw?: true;
}

/** A route with a path id: a malformed one is 400 /params/id, an unknown one 404 notFound. */
export interface IdRoute {
  route: string;
  role: Role;
  body?: () => unknown;
  /** Headers the route needs besides the id (an upload's file name and type). */
  headers?: () => Record<string, string>;
  query?: string;
  /** The path's other parameters, well formed (`:widgetId` → params.widgetId). */
  params?: Record<string, string>;
  notFound: string;
}

/** A bad query string, refused with 400 naming exactly these fields. */
export interface QueryCase {
  name: string;
  role: Role;
  url: () => string;
  fields: string[];
}

/**
 * What a module's cases see: the app and the fixtures of the database being run (set before the
 * first test of each), and rejected(). Case lists take it and read it lazily, inside their closures.
 */
export interface Env {
  t: TestApp;
  fx: Fx;
  /** Send, expect a problem, and check that nothing at all was written. */
  rejected: (
    what: string,
    role: Role | null,
    method: Method,
    url: string,
    send: {
      body?: unknown;
      raw?: { payload: string; contentType: string };
      headers?: Record<string, string>;
    },
    want: Want & { message?: RegExp },
  ) => Promise<Res>;
}

export const urlOf = (route: string, id?: string) => {
  const url = route.split(' ')[1]!;
  return id ? url.replace(':id', encodeURIComponent(id)) : url;
};
export const methodOf = (route: string) => route.split(' ')[0] as Method;

/** A module's cases; each list is a function of the Env so its closures read the current database. */
export interface ValidationCases {
  body?: (v: Env) => BodyRoute[];
  ids?: (v: Env) => IdRoute[];
  queries?: (v: Env) => QueryCase[];
  /** Tests of the module's own that need more than one request (registered after the lists). */
  extra?: (v: Env, dialect: string) => void;
  /** Records the module's cases point at, made once per database after the shared fixtures. */
  setup?: (v: Env) => Promise<void>;
}

/** The Env of no database: enough to read the route names of a case list, not to run it. */
export const routeNamesOnly = (): Env => ({
  get t(): TestApp {
    throw new Error('routeNamesOnly: no app');
  },
  get fx(): Fx {
    throw new Error('routeNamesOnly: no fixtures');
  },
  rejected: () => {
    throw new Error('routeNamesOnly: cannot send');
  },
});

/** Register a module's bad-input tests, on every database. */
export async function validationSuite(title: string, cases: ValidationCases): Promise<void> {
  for (const dialect of await dialects()) {
    describe(`${title}: validation and bad input on ${dialect}`, () => {
      let t: TestApp | undefined;
      let fx: Fx | undefined;
      const v: Env = {
        get t() {
          if (!t) throw new Error('the app is built before the first test');
          return t;
        },
        get fx() {
          if (!fx) throw new Error('the fixtures are built before the first test');
          return fx;
        },
        async rejected(what, role, method, url, send, want) {
          const before = await snapshot(v.t);
          const r = send.raw
            ? await v.t.call(role, method, url, send.raw.payload, {
                'content-type': send.raw.contentType,
                ...send.headers,
              })
            : await v.t.call(role, method, url, send.body, send.headers);
          assertProblem(r, want, what);
          if (want.message) {
            assert.ok(
              r.data.errors.some((e: { message: string }) => want.message!.test(e.message)),
              `${what}: no error message like ${want.message}: ${r.body}`,
            );
          }
          assertUnchanged(before, await snapshot(v.t), what);
          return r;
        },
      };
      before(async () => {
        t = await makeTestApp(dialect as Parameters<typeof makeTestApp>[0]);
        fx = await buildFixtures(t);
        await cases.setup?.(v);
      });
      after(async () => {
        await t?.close();
      });

      for (const spec of cases.body?.(v) ?? []) bodyRouteTests(v, spec);
      for (const r of cases.ids?.(v) ?? []) idRouteTests(v, r);
      for (const q of cases.queries?.(v) ?? []) {
        test(`query: ${q.name} → 400 naming ${q.fields.join(', ')}`, async () => {
          await v.rejected(
            q.name,
            q.role,
            'GET',
            q.url(),
            {},
            {
              status: 400,
              code: 'request.invalid',
              fields: q.fields,
            },
          );
        });
      }
      cases.extra?.(v, dialect);
    });
  }
}

function bodyRouteTests(v: Env, spec: BodyRoute): void {
  describe(spec.route, () => {
    const method = methodOf(spec.route);
    const url = () => urlOf(spec.route, spec.id?.());
    const limit = () => spec.bodyLimit ?? v.t.ctx.config.bodyLimitBytes;

    /** What every JSON route must refuse, whatever it is for. */
    const generic: Case[] = [
      {
        name: 'an unknown field',
        body: () => ({ ...spec.valid(), sneaky: 1 }),
        fields: ['/body/sneaky'],
        message: /^is not a known field$/,
      },
      {
        name: 'malformed JSON → 400 request.malformed_json',
        raw: () => ({ payload: '{"a":', contentType: 'application/json' }),
        code: 'request.malformed_json',
      },
      {
        name: 'an empty body declared as JSON → 400 request.malformed_json',
        raw: () => ({ payload: '', contentType: 'application/json' }),
        code: 'request.malformed_json',
      },
      { name: 'no body at all', fields: ['/body'] },
      { name: 'a JSON array instead of an object', body: () => [spec.valid()], fields: ['/body'] },
      {
        name: 'JSON null',
        raw: () => ({ payload: 'null', contentType: 'application/json' }),
        fields: ['/body'],
      },
      {
        name: 'a body over bodyLimitBytes → 413 request.too_large',
        body: () => ({ ...spec.valid(), padding: 'x'.repeat(limit()) }),
        status: 413,
        code: 'request.too_large',
      },
      {
        name: 'an XML body → 415 request.unsupported_media_type',
        raw: () => ({ payload: '<contact channel="phone"/>', contentType: 'application/xml' }),
        status: 415,
        code: 'request.unsupported_media_type',
      },
      {
        name: 'a form-encoded body → 415 request.unsupported_media_type',
        raw: () => ({
          payload: 'channel=phone&direction=inbound',
          contentType: 'application/x-www-form-urlencoded',
        }),
        status: 415,
        code: 'request.unsupported_media_type',
      },
      {
        name: 'a text/plain body, even holding valid JSON → 415 request.unsupported_media_type',
        raw: () => ({ payload: JSON.stringify(spec.valid()), contentType: 'text/plain' }),
        status: 415,
        code: 'request.unsupported_media_type',
      },
    ];

    for (const c of [...(spec.raw ? [] : generic), ...spec.cases]) {
      test(c.name, async () => {
        const role = c.role !== undefined ? c.role : spec.role;
        const body = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body;
        const raw = c.raw?.();
        await v.rejected(
          `${spec.route} ${c.name}`,
          role,
          method,
          c.id ? urlOf(spec.route, c.id()) : url(),
          { body, ...(raw ? { raw } : {}), ...(c.headers ? { headers: c.headers } : {}) },
          {
            status: c.status ?? 400,
            code: c.code ?? 'request.invalid',
            ...(c.fields ? { fields: c.fields } : {}),
            ...(c.message ? { message: c.message } : {}),
          },
        );
      });
    }
  });
}

function idRouteTests(v: Env, r: IdRoute): void {
  const suffix = r.query ? `?${r.query}` : '';
  /** The route's url with this id, and its other parameters filled in (urlOf fills :id only). */
  const at = (id: string) =>
    Object.entries(r.params ?? {}).reduce(
      (url, [k, val]) => url.replace(`:${k}`, encodeURIComponent(val)),
      urlOf(r.route, id),
    );
  test(`${r.route}: a bad UUID → 400 naming /params/id`, async () => {
    await v.rejected(
      r.route,
      r.role,
      methodOf(r.route),
      `${at('not-a-uuid')}${suffix}`,
      { body: r.body?.(), ...(r.headers ? { headers: r.headers() } : {}) },
      { status: 400, code: 'request.invalid', fields: ['/params/id'] },
    );
  });
  test(`${r.route}: an unknown id → 404 ${r.notFound}`, async () => {
    await v.rejected(
      r.route,
      r.role,
      methodOf(r.route),
      `${at(UNKNOWN)}${suffix}`,
      { body: r.body?.(), ...(r.headers ? { headers: r.headers() } : {}) },
      { status: 404, code: r.notFound },
    );
  });
}
