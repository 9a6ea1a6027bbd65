import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import {
  KB_ATTACHMENT_BODY_LIMIT,
  KB_IMPORT_BODY_LIMIT,
} from '../../src/server/modules/knowledge/knowledge.routes.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import type { Database } from '../../src/server/platform/db/schema.ts';
import type { Role } from '../../src/shared/contracts/people.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import {
  buildCase,
  buildContact,
  buildCustomer,
  buildSla,
  buildVerifiedContact,
} from '../helpers/factories.ts';

/** A response with its body parsed, as the helpers' call() gives it. */
type Res = Awaited<ReturnType<TestApp['call']>>;
type Method = InjectOptions['method'];

/** A well-formed UUID that names nothing. */
const UNKNOWN = '01890000-0000-7000-8000-000000000000';

/** A day after the test clock's now (2026-11-23T09:00:00.000Z). */
const TOMORROW = '2026-11-24T09:00:00.000Z';

/** An escalation rule body the route accepts, with some fields changed. */
const rule = (changes: Record<string, unknown>) => ({
  name: 'x',
  position: 1,
  clock: 'resolution',
  offsetMinutes: 0,
  actions: { notify: ['assignee'] },
  ...changes,
});

/**
 * Every table: a rejected request must leave all of them exactly as they were. Keyed by the
 * schema's table names, so a table added to the schema and not here fails to type-check.
 */
const ALL_TABLES: Record<keyof Database, true> = {
  users: true,
  teams: true,
  departments: true,
  sessions: true,
  api_tokens: true,
  login_attempts: true,
  customers: true,
  customer_lookup: true,
  accounts: true,
  services: true,
  contacts: true,
  contact_verifications: true,
  contact_cases: true,
  contact_drafts: true,
  idempotency_keys: true,
  case_categories: true,
  cases: true,
  case_events: true,
  case_notes: true,
  referrals: true,
  business_calendars: true,
  sla_policies: true,
  sla_clocks: true,
  sla_events: true,
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
};
const TABLES = Object.keys(ALL_TABLES) as (keyof Database)[];

type Snapshot = Record<string, string[]>;

/** The content of every table, rows as sorted JSON (api_tokens.last_used_at is bookkeeping of reads). */
async function snapshot(t: TestApp): Promise<Snapshot> {
  const db = t.ctx.store.db;
  const tables = await Promise.all(
    TABLES.map(async (table) => {
      const rows = (await db
        .selectFrom(table as 'settings')
        .selectAll()
        .execute()) as Record<string, unknown>[];
      return rows
        .map((r) => JSON.stringify(table === 'api_tokens' ? { ...r, last_used_at: null } : r))
        .sort();
    }),
  );
  return Object.fromEntries(TABLES.map((table, i) => [table, tables[i]!]));
}

function assertUnchanged(before: Snapshot, after: Snapshot, what: string) {
  const counts = (s: Snapshot) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.length]));
  assert.deepEqual(counts(after), counts(before), `${what}: row counts changed`);
  for (const table of TABLES) assert.deepEqual(after[table], before[table], `${what}: ${table} changed`);
}

interface Want {
  status: number;
  code: string;
  /** JSON pointers of the failing fields, exactly (order free). Required for request.invalid. */
  fields?: string[];
}

function assertProblem(r: Res, want: Want, what: string) {
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
    }
    const got = [...new Set<string>(r.data.errors.map((e: { field: string }) => e.field))].sort();
    assert.deepEqual(got, [...want.fields].sort(), ctx);
  }
}

interface Case {
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

interface BodyRoute {
  route: string;
  role: Role | null;
  id?: () => string;
  /** The route's own body limit, where it declares one larger than the server's. */
  bodyLimit?: number;
  /** A body the route accepts; generic cases add to it. It is never sent unchanged. */
  valid: () => Record<string, unknown>;
  cases: Case[];
}

for (const dialect of await dialects()) {
  describe(`validation and bad input on ${dialect}`, () => {
    let t: TestApp;
    let fx: {
      customer: Awaited<ReturnType<typeof buildCustomer>>;
      other: Awaited<ReturnType<typeof buildCustomer>>;
      verified: Awaited<ReturnType<typeof buildVerifiedContact>>;
      contact: Awaited<ReturnType<typeof buildContact>>;
      bare: Awaited<ReturnType<typeof buildContact>>;
      ended: Awaited<ReturnType<typeof buildContact>>;
      caseId: string;
      categoryId: string;
      childCategoryId: string;
      calendarId: string;
      policyId: string;
      ruleId: string;
      escalationId: string;
      commitmentId: string;
      keptCommitmentId: string;
      supervisorNotificationId: string;
      spareUserId: string;
      tokenId: string;
      accountNumber: string;
      kbArticleId: string;
      kbReviewId: string;
      templateId: string;
      archivedTemplateId: string;
      scriptId: string;
      archivedScriptId: string;
      solutionId: string;
      agreedSolutionId: string;
      disseminationId: string;
      policyFlagId: string;
    };

    before(async () => {
      t = await makeTestApp(dialect);
      const customer = await buildCustomer(t, { idNumber: 'S7654321A' });
      const other = await buildCustomer(t, { idNumber: 'S7654322B' });
      const verified = await buildVerifiedContact(t);
      const contact = await buildContact(t, customer.id);
      const bare = await buildContact(t, null);
      const ended = await buildContact(t, null);
      await t.services.contacts.update(t.users.officer.actor, ended.id, { end: true });
      const { case: c } = await buildCase(t);
      await buildCase(t); // lists need two of everything to page
      const category = await t.services.categories.create(SYSTEM_ACTOR, { name: 'Billing' });
      const child = await t.services.categories.create(SYSTEM_ACTOR, {
        name: 'Late fees',
        parentId: category.id,
      });
      const sla = await buildSla(t);
      const rule = await t.services.escalations.createRule(SYSTEM_ACTOR, {
        name: 'Warn before breach',
        position: 1,
        clock: 'resolution',
        offsetMinutes: -60,
        actions: { notify: ['assignee'] },
      });
      await t.services.escalations.createRule(SYSTEM_ACTOR, {
        name: 'Breached',
        position: 2,
        clock: 'resolution',
        offsetMinutes: 0,
        actions: { notify: ['team_leader'], raisePriority: 'urgent' },
      });
      // A highly critical case in Team A raises a level-1 escalation to Team A's team leader.
      const { case: critical } = await buildCase(t, { criticality: 'highly_critical', teamId: t.team.id });
      const escalation = await t.ctx.store.db
        .selectFrom('escalations')
        .select('id')
        .where('case_id', '=', critical.id)
        .executeTakeFirstOrThrow();
      const commitment = await t.services.commitments.create(t.users.officer.actor, c.id, {
        dueAt: '2026-12-01T09:00:00.000Z',
        method: 'call',
      });
      const kept = await t.services.commitments.create(t.users.officer.actor, c.id, {
        dueAt: '2026-12-02T09:00:00.000Z',
        method: 'email',
      });
      await t.services.commitments.update(t.users.officer.actor, kept.id, { state: 'kept' });
      const [supervisorNotificationId] = await t.services.notifications.notify(t.ctx.store.db, {
        userIds: [t.users.supervisor.id],
        kind: 'test',
        title: 'For the supervisor only',
        body: 'Not for officers',
      });
      const spare = await t.services.people.createUser(SYSTEM_ACTOR, {
        username: 'spare',
        displayName: 'Spare user',
        role: 'officer',
        password: TEST_PASSWORD,
      });
      const { row: token } = await t.services.auth.createToken(SYSTEM_ACTOR, {
        name: 'ci',
        userId: t.users.administrator.id,
      });
      const account = await t.ctx.store.db
        .selectFrom('accounts')
        .select('account_number')
        .where('customer_id', '=', customer.id)
        .executeTakeFirstOrThrow();
      const kbArticle = await t.services.knowledge.create(SYSTEM_ACTOR, {
        title: 'Payment extension',
        body: 'Up to 14 days.',
        kind: 'billing',
      });
      await t.services.knowledge.submit(SYSTEM_ACTOR, kbArticle.id);
      await t.services.knowledge.approve(SYSTEM_ACTOR, kbArticle.id);
      const kbReview = await t.services.knowledge.create(SYSTEM_ACTOR, {
        title: 'Roaming charges',
        body: 'Per day.',
        kind: 'faq',
      });
      await t.services.knowledge.submit(SYSTEM_ACTOR, kbReview.id);
      const solution = await t.services.solutions.propose(t.users.officer.actor, {
        caseId: c.id,
        problem: 'Customers abroad cannot top up',
        solution: 'Use the app',
      });
      const agreed = await t.services.solutions.propose(t.users.officer.actor, {
        problem: 'Late fee waived twice',
        solution: 'Once a year',
      });
      const agreedDone = await t.services.solutions.agree(t.users.team_leader.actor, agreed.id, {
        title: 'Late fee waiver once a year',
        teamIds: [t.team.id],
      });
      const flag = await t.services.policyFlags.raise(t.users.officer.actor, c.id, {
        authorityId: t.users.team_leader.id,
        policy: 'No refunds after 14 days',
        customerNeed: 'Was in hospital',
        evidence: 'Letter from the hospital',
      });
      // Templates and call scripts: an e-mail template, a second one to collide with, an archived
      // phrase; a script, and an archived one to collide with and to refuse previews of.
      const template = await t.services.templates.create(SYSTEM_ACTOR, {
        kind: 'email',
        name: 'Payment reminder',
        subject: 'Your case {{case.reference}}',
        body: 'Dear {{customer.name}}, your bill is due.',
      });
      await t.services.templates.create(SYSTEM_ACTOR, {
        kind: 'email',
        name: 'Case update',
        subject: 'Update',
        body: 'We are working on it.',
      });
      const archivedTemplate = await t.services.templates.create(SYSTEM_ACTOR, {
        kind: 'phrase',
        name: 'Old greeting',
        body: 'Hello.',
      });
      await t.services.templates.update(SYSTEM_ACTOR, archivedTemplate.id, { active: false });
      const steps = [
        { id: 'ask', title: 'Ask', text: 'Can you pay by {{case.dueAt}}?', next: 'close' },
        { id: 'close', title: 'Close', text: 'Thank you, {{customer.name}}.' },
      ];
      const script = await t.services.scripts.create(SYSTEM_ACTOR, { name: 'Payment extension', steps });
      const archivedScript = await t.services.scripts.create(SYSTEM_ACTOR, { name: 'Old script', steps });
      await t.services.scripts.update(SYSTEM_ACTOR, archivedScript.id, { active: false });
      fx = {
        templateId: template.id,
        archivedTemplateId: archivedTemplate.id,
        scriptId: script.id,
        archivedScriptId: archivedScript.id,
        solutionId: solution.id,
        agreedSolutionId: agreed.id,
        disseminationId: agreedDone.disseminationId!,
        policyFlagId: flag.id,
        kbArticleId: kbArticle.id,
        kbReviewId: kbReview.id,
        customer,
        other,
        verified,
        contact,
        bare,
        ended,
        caseId: c.id,
        categoryId: category.id,
        childCategoryId: child.id,
        calendarId: sla.calendar.id,
        policyId: sla.policy.id,
        ruleId: rule.id,
        escalationId: escalation.id,
        commitmentId: commitment.id,
        keptCommitmentId: kept.id,
        supervisorNotificationId: supervisorNotificationId!,
        spareUserId: spare.id,
        tokenId: token.id,
        accountNumber: account.account_number,
      };
    });
    after(async () => {
      await t?.close();
    });

    const urlOf = (route: string, id?: string) => {
      const url = route.split(' ')[1]!;
      return id ? url.replace(':id', encodeURIComponent(id)) : url;
    };
    const methodOf = (route: string) => route.split(' ')[0] as Method;

    /** Send, expect a problem, and check that nothing at all was written. */
    async function rejected(
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
    ): Promise<Res> {
      const before = await snapshot(t);
      const r = send.raw
        ? await t.call(role, method, url, send.raw.payload, {
            'content-type': send.raw.contentType,
            ...send.headers,
          })
        : await t.call(role, method, url, send.body, send.headers);
      assertProblem(r, want, what);
      if (want.message) {
        assert.ok(
          r.data.errors.some((e: { message: string }) => want.message!.test(e.message)),
          `${what}: no error message like ${want.message}: ${r.body}`,
        );
      }
      assertUnchanged(before, await snapshot(t), what);
      return r;
    }

    // ---------------------------------------------------------------------------------------------
    // Bodies
    // ---------------------------------------------------------------------------------------------

    const BODY_ROUTES: BodyRoute[] = [
      {
        route: 'POST /api/v1/kb/articles',
        role: 'officer',
        valid: () => ({ title: 'Late fees', body: 'x', kind: 'billing' }),
        cases: [
          {
            name: 'missing every required field',
            body: {},
            fields: ['/body/title', '/body/body', '/body/kind'],
          },
          {
            name: 'a kind and audience that do not exist, a blank title',
            body: { title: '   ', body: 'x', kind: 'memo', audience: 'everyone' },
            fields: ['/body/title', '/body/kind', '/body/audience'],
          },
          {
            name: 'a slug with spaces, tags that repeat, a review date that is not a date',
            body: {
              title: 'Late fees',
              body: 'x',
              kind: 'faq',
              slug: 'late fees',
              tags: ['a', 'a'],
              reviewAt: 'soon',
            },
            fields: ['/body/slug', '/body/tags', '/body/reviewAt'],
          },
          {
            name: 'a slug another article has → 409 kb_article.slug_taken',
            body: { title: 'Late fees', body: 'x', kind: 'faq', slug: 'payment-extension' },
            status: 409,
            code: 'kb_article.slug_taken',
          },
        ],
      },
      {
        route: 'PATCH /api/v1/kb/articles/:id/draft',
        role: 'officer',
        id: () => fx.kbArticleId,
        valid: () => ({ body: 'Up to 21 days.' }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          {
            name: 'a title of two letters, tags not a list',
            body: { title: 'ab', tags: 'x' },
            fields: ['/body/title', '/body/tags'],
          },
          {
            name: 'a version in review cannot be edited → 409 kb_article.in_review',
            id: () => fx.kbReviewId,
            body: { body: 'changed' },
            status: 409,
            code: 'kb_article.in_review',
          },
        ],
      },
      {
        route: 'POST /api/v1/kb/articles/:id/approve',
        role: 'team_leader',
        id: () => fx.kbReviewId,
        valid: () => ({ note: 'Agreed' }),
        cases: [
          { name: 'a note that is a number', body: { note: 1 }, fields: ['/body/note'] },
          {
            name: 'nothing in review → 409 kb_article.not_in_review',
            id: () => fx.kbArticleId,
            body: {},
            status: 409,
            code: 'kb_article.not_in_review',
          },
        ],
      },
      {
        route: 'POST /api/v1/kb/articles/:id/reject',
        role: 'team_leader',
        id: () => fx.kbReviewId,
        valid: () => ({ note: 'Add the fee' }),
        cases: [
          { name: 'no note', body: {}, fields: ['/body/note'] },
          { name: 'a blank note', body: { note: '  ' }, fields: ['/body/note'] },
        ],
      },
      {
        route: 'POST /api/v1/kb/articles/:id/usage',
        role: 'officer',
        id: () => fx.kbArticleId,
        valid: () => ({ action: 'linked' }),
        cases: [
          {
            name: 'an action that does not exist, a bad case id',
            body: { action: 'liked', caseId: 'c1' },
            fields: ['/body/action', '/body/caseId'],
          },
          {
            name: 'an unknown case → 404 case.not_found',
            body: { action: 'answered', caseId: UNKNOWN },
            status: 404,
            code: 'case.not_found',
          },
          {
            name: 'an article never published → 404 kb_article.not_found',
            id: () => fx.kbReviewId,
            body: { action: 'viewed' },
            status: 404,
            code: 'kb_article.not_found',
          },
        ],
      },
      {
        route: 'POST /api/v1/kb/articles/:id/attachments',
        role: 'officer',
        bodyLimit: KB_ATTACHMENT_BODY_LIMIT,
        id: () => fx.kbArticleId,
        valid: () => ({ filename: 'a.txt', contentType: 'text/plain', dataBase64: 'aGk=' }),
        cases: [
          {
            name: 'a path in the file name, a content type without a slash, data that is not base64',
            body: { filename: '../etc/passwd', contentType: 'text', dataBase64: '<script>' },
            fields: ['/body/filename', '/body/contentType', '/body/dataBase64'],
          },
        ],
      },
      {
        route: 'PUT /api/v1/kb/synonyms',
        role: 'supervisor',
        valid: () => ({ groups: [['bill', 'invoice']] }),
        cases: [
          { name: 'a group of one', body: { groups: [['bill']] }, fields: ['/body/groups/0'] },
          { name: 'groups not a list', body: { groups: 'bill=invoice' }, fields: ['/body/groups'] },
          {
            name: 'a group of the same word twice',
            body: { groups: [['Bill', 'bill ']] },
            fields: ['/body/groups/0'],
          },
        ],
      },
      {
        route: 'POST /api/v1/kb/preview',
        role: 'officer',
        valid: () => ({ body: '# Late fees' }),
        cases: [
          { name: 'no body', body: {}, fields: ['/body/body'] },
          { name: 'an empty body', body: { body: '' }, fields: ['/body/body'] },
        ],
      },
      {
        route: 'POST /api/v1/solutions',
        role: 'officer',
        valid: () => ({ problem: 'Bills arrive late', solution: 'Offer e-bills' }),
        cases: [
          { name: 'nothing', body: {}, fields: ['/body/problem', '/body/solution'] },
          {
            name: 'a blank problem, a case id that is not one',
            body: { problem: '  ', solution: 'x', caseId: 'c1' },
            fields: ['/body/problem', '/body/caseId'],
          },
          {
            name: 'an unknown case → 404 case.not_found',
            body: { problem: 'x', solution: 'y', caseId: UNKNOWN },
            status: 404,
            code: 'case.not_found',
          },
        ],
      },
      {
        route: 'POST /api/v1/solutions/:id/comments',
        role: 'officer',
        id: () => fx.solutionId,
        valid: () => ({ body: 'Agree' }),
        cases: [{ name: 'a blank comment', body: { body: ' ' }, fields: ['/body/body'] }],
      },
      {
        route: 'POST /api/v1/solutions/:id/agree',
        role: 'team_leader',
        id: () => fx.solutionId,
        valid: () => ({ title: 'Top up abroad', teamIds: [t.team.id] }),
        cases: [
          { name: 'no title, no teams', body: {}, fields: ['/body/title', '/body/teamIds'] },
          {
            name: 'an empty team list, a deadline of 90 days, a kind that does not exist',
            body: { title: 'Top up abroad', teamIds: [], acknowledgeWithinDays: 90, kind: 'memo' },
            fields: ['/body/teamIds', '/body/acknowledgeWithinDays', '/body/kind'],
          },
          {
            name: 'a team that does not exist',
            body: { title: 'Top up abroad', teamIds: [UNKNOWN] },
            fields: ['/body/teamIds/0'],
          },
          {
            name: 'already agreed → 409 solution.already_decided',
            id: () => fx.agreedSolutionId,
            body: () => ({ title: 'Again', teamIds: [t.team.id] }),
            status: 409,
            code: 'solution.already_decided',
          },
        ],
      },
      {
        route: 'POST /api/v1/solutions/:id/decline',
        role: 'team_leader',
        id: () => fx.solutionId,
        valid: () => ({ note: 'Not our policy' }),
        cases: [
          { name: 'no reason', body: {}, fields: ['/body/note'] },
          {
            name: 'already agreed → 409 solution.already_decided',
            id: () => fx.agreedSolutionId,
            body: { note: 'No' },
            status: 409,
            code: 'solution.already_decided',
          },
        ],
      },
      {
        route: 'POST /api/v1/kb/articles/:id/disseminations',
        role: 'team_leader',
        id: () => fx.kbArticleId,
        valid: () => ({ teamIds: [t.team.id] }),
        cases: [
          { name: 'no teams', body: {}, fields: ['/body/teamIds'] },
          {
            name: 'the same team twice, a team id that is not one',
            body: { teamIds: ['x', 'x'] },
            fields: ['/body/teamIds', '/body/teamIds/0', '/body/teamIds/1'],
          },
          {
            name: 'an article never published → 404 kb_article.not_found',
            id: () => fx.kbReviewId,
            body: () => ({ teamIds: [t.team.id] }),
            status: 404,
            code: 'kb_article.not_found',
          },
        ],
      },
      {
        route: 'POST /api/v1/cases/:id/policy-flags',
        role: 'officer',
        id: () => fx.caseId,
        valid: () => ({
          authorityId: t.users.supervisor.id,
          policy: 'No refunds',
          customerNeed: 'A refund',
          evidence: 'Receipt',
        }),
        cases: [
          {
            name: 'nothing',
            body: {},
            fields: ['/body/authorityId', '/body/policy', '/body/customerNeed', '/body/evidence'],
          },
          {
            name: 'an officer is not a higher authority',
            body: () => ({
              authorityId: t.users.officer.id,
              policy: 'No refunds',
              customerNeed: 'A refund',
              evidence: 'Receipt',
            }),
            fields: ['/body/authorityId'],
          },
        ],
      },
      {
        route: 'POST /api/v1/policy-flags/:id/answer',
        role: 'team_leader',
        id: () => fx.policyFlagId,
        valid: () => ({ answer: 'Refund it' }),
        cases: [
          { name: 'a blank answer', body: { answer: '' }, fields: ['/body/answer'] },
          {
            name: 'someone other than the named authority → 403 policy_flag.not_yours',
            role: 'supervisor',
            body: { answer: 'Refund it' },
            status: 403,
            code: 'policy_flag.not_yours',
          },
        ],
      },
      {
        route: 'POST /api/v1/kb/import',
        role: 'supervisor',
        bodyLimit: KB_IMPORT_BODY_LIMIT,
        valid: () => ({ files: [{ name: 'a.md', content: '---\ntitle: Late fees\nkind: faq\n---\nx' }] }),
        cases: [
          { name: 'no files', body: { files: [] }, fields: ['/body/files'] },
          {
            name: 'a file without content',
            body: { files: [{ name: 'a.md' }] },
            fields: ['/body/files/0/content'],
          },
        ],
      },
      {
        route: 'POST /api/v1/templates',
        role: 'team_leader',
        valid: () => ({ kind: 'phrase', name: 'Thanks', body: 'Thank you, {{customer.name}}.' }),
        cases: [
          {
            name: 'missing every required field',
            body: {},
            fields: ['/body/kind', '/body/name', '/body/body'],
          },
          {
            name: 'a kind that does not exist, a blank name and body',
            body: { kind: 'letter', name: '  ', body: ' ' },
            fields: ['/body/kind', '/body/name', '/body/body'],
          },
          {
            name: 'an unknown variable in the body, a {{ without its pair in the subject',
            body: {
              kind: 'email',
              name: 'x1',
              subject: 'Case {{case.reference',
              body: 'Hi {{customer.nickname}}',
            },
            fields: ['/body/subject', '/body/body'],
            message: /unknown variable \{\{customer\.nickname\}\}/,
          },
          {
            name: 'an e-mail template without a subject',
            body: { kind: 'email', name: 'x2', body: 'Hello' },
            fields: ['/body/subject'],
          },
          {
            name: 'a subject on a standard phrase',
            body: { kind: 'phrase', name: 'x3', subject: 'Hi', body: 'Hello' },
            fields: ['/body/subject'],
          },
          {
            name: 'the name of another template of that kind, in other case → 409 template.name_taken',
            body: { kind: 'email', name: 'PAYMENT Reminder', subject: 'x', body: 'y' },
            status: 409,
            code: 'template.name_taken',
            fields: ['/body/name'],
          },
        ],
      },
      {
        route: 'PATCH /api/v1/templates/:id',
        role: 'team_leader',
        id: () => fx.templateId,
        valid: () => ({ body: 'Dear {{customer.name}}, a reminder.' }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          {
            name: 'an unknown variable, active not a boolean',
            body: { body: '{{case.owner}}', active: 'no' },
            fields: ['/body/active'],
          },
          { name: 'an unknown variable', body: { body: 'Due {{case.due}}' }, fields: ['/body/body'] },
          {
            name: 'taking the subject off an e-mail template',
            body: { subject: null },
            fields: ['/body/subject'],
          },
          {
            name: 'the name of another e-mail template → 409 template.name_taken',
            body: { name: 'case update' },
            status: 409,
            code: 'template.name_taken',
            fields: ['/body/name'],
          },
        ],
      },
      {
        route: 'POST /api/v1/templates/:id/preview',
        role: 'officer',
        id: () => fx.templateId,
        valid: () => ({ caseId: fx.caseId }),
        cases: [
          {
            name: 'ids that are not UUIDs',
            body: { caseId: 'CS-000001', customerId: 'x', contactId: 'y' },
            fields: ['/body/caseId', '/body/customerId', '/body/contactId'],
          },
          {
            name: 'an unknown case → 404 case.not_found',
            body: { caseId: UNKNOWN },
            status: 404,
            code: 'case.not_found',
          },
          {
            name: 'an unknown contact → 404 contact.not_found',
            body: { contactId: UNKNOWN },
            status: 404,
            code: 'contact.not_found',
          },
          {
            name: 'an unknown customer → 404 customer.not_found',
            body: { customerId: UNKNOWN },
            status: 404,
            code: 'customer.not_found',
          },
          {
            name: 'a customer who is not the case’s',
            body: () => ({ caseId: fx.caseId, customerId: fx.other.id }),
            fields: ['/body/customerId'],
          },
          {
            name: 'an archived template → 409 template.archived',
            id: () => fx.archivedTemplateId,
            body: {},
            status: 409,
            code: 'template.archived',
          },
        ],
      },
      {
        route: 'POST /api/v1/scripts',
        role: 'team_leader',
        valid: () => ({ name: 'Complaint', steps: [{ id: 'a', title: 'Listen', text: 'Let them speak.' }] }),
        cases: [
          { name: 'missing every required field', body: {}, fields: ['/body/name', '/body/steps'] },
          { name: 'no steps', body: { name: 'Empty', steps: [] }, fields: ['/body/steps'] },
          {
            name: 'a step id with a space, no text, a branch of one choice',
            body: {
              name: 'Bad',
              steps: [{ id: 'step one', title: 'A', text: '', choices: [{ label: 'Yes', next: 'a' }] }],
            },
            fields: ['/body/steps/0/id', '/body/steps/0/text', '/body/steps/0/choices'],
          },
          {
            name: 'a branch to a step that does not exist',
            body: {
              name: 'Bad',
              steps: [
                {
                  id: 'a',
                  title: 'A',
                  text: '?',
                  choices: [
                    { label: 'Yes', next: 'b' },
                    { label: 'No', next: 'zz' },
                  ],
                },
                { id: 'b', title: 'B', text: 'Done.' },
              ],
            },
            fields: ['/body/steps/0/choices/1/next'],
            message: /names no step: "zz"/,
          },
          {
            name: 'both next and choices; a repeated step id',
            body: {
              name: 'Bad',
              steps: [
                {
                  id: 'a',
                  title: 'A',
                  text: '?',
                  next: 'b',
                  choices: [
                    { label: 'Y', next: 'b' },
                    { label: 'N', next: 'b' },
                  ],
                },
                { id: 'b', title: 'B', text: 'Done.' },
                { id: 'b', title: 'B again', text: 'Done.' },
              ],
            },
            fields: ['/body/steps/0', '/body/steps/2/id'],
          },
          {
            name: 'a step the first cannot reach, an unknown variable',
            body: {
              name: 'Bad',
              steps: [
                { id: 'a', title: 'A', text: 'Hello {{customer.nickname}}' },
                { id: 'b', title: 'Orphan', text: 'Never shown.' },
              ],
            },
            fields: ['/body/steps/0/text', '/body/steps/1'],
            message: /cannot be reached/,
          },
          {
            name: 'a loop with no end step',
            body: {
              name: 'Bad',
              steps: [
                { id: 'a', title: 'A', text: '?', next: 'b' },
                { id: 'b', title: 'B', text: '?', next: 'a' },
              ],
            },
            fields: ['/body/steps'],
          },
          {
            name: 'a branch into a loop that never reaches the end',
            body: {
              name: 'Bad',
              steps: [
                {
                  id: 'a',
                  title: 'A',
                  text: '?',
                  choices: [
                    { label: 'Loop', next: 'b' },
                    { label: 'End', next: 'd' },
                  ],
                },
                { id: 'b', title: 'B', text: '?', next: 'c' },
                { id: 'c', title: 'C', text: '?', next: 'b' },
                { id: 'd', title: 'D', text: 'Done.' },
              ],
            },
            fields: ['/body/steps/1', '/body/steps/2'],
          },
          {
            name: 'a name another script has → 409 script.name_taken',
            body: { name: 'payment EXTENSION', steps: [{ id: 'a', title: 'A', text: 'x' }] },
            status: 409,
            code: 'script.name_taken',
            fields: ['/body/name'],
          },
        ],
      },
      {
        route: 'PATCH /api/v1/scripts/:id',
        role: 'team_leader',
        id: () => fx.scriptId,
        valid: () => ({ description: 'For customers who cannot pay on time' }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          {
            name: 'a next that names no step',
            body: { steps: [{ id: 'a', title: 'A', text: 'x', next: 'nowhere' }] },
            fields: ['/body/steps/0/next'],
          },
          {
            name: 'a step pointing at itself',
            body: { steps: [{ id: 'a', title: 'A', text: 'x', next: 'a' }] },
            fields: ['/body/steps/0/next'],
          },
          {
            name: 'the name of an archived script → 409 script.name_taken',
            body: { name: 'Old Script' },
            status: 409,
            code: 'script.name_taken',
            fields: ['/body/name'],
          },
        ],
      },
      {
        route: 'POST /api/v1/scripts/:id/preview',
        role: 'officer',
        id: () => fx.scriptId,
        valid: () => ({ caseId: fx.caseId, stepId: 'ask' }),
        cases: [
          {
            name: 'a step id with capitals, a case id that is not one',
            body: { stepId: 'Ask Now', caseId: 'c1' },
            fields: ['/body/stepId', '/body/caseId'],
          },
          { name: 'a step the script does not have', body: { stepId: 'refund' }, fields: ['/body/stepId'] },
          {
            name: 'an unknown case → 404 case.not_found',
            body: { caseId: UNKNOWN },
            status: 404,
            code: 'case.not_found',
          },
          {
            name: 'an archived script → 409 script.archived',
            id: () => fx.archivedScriptId,
            body: {},
            status: 409,
            code: 'script.archived',
          },
        ],
      },
      {
        route: 'POST /api/v1/auth/login',
        role: null,
        valid: () => ({ username: 'officer', password: TEST_PASSWORD }),
        cases: [
          { name: 'missing username and password', body: {}, fields: ['/body/username', '/body/password'] },
          {
            name: 'a number and a boolean for strings',
            body: { username: 42, password: true },
            fields: ['/body/username', '/body/password'],
          },
          { name: 'an empty username', body: { username: '', password: 'x' }, fields: ['/body/username'] },
        ],
      },
      {
        route: 'POST /api/v1/tokens',
        role: 'administrator',
        valid: () => ({ name: 'ci' }),
        cases: [
          { name: 'missing name', body: {}, fields: ['/body/name'] },
          {
            name: 'a number for a string, a string for a number',
            body: { name: 5, expiresInDays: '30' },
            fields: ['/body/name', '/body/expiresInDays'],
          },
          {
            name: 'expiresInDays below range',
            body: { name: 'x', expiresInDays: 0 },
            fields: ['/body/expiresInDays'],
          },
          {
            name: 'expiresInDays above range',
            body: { name: 'x', expiresInDays: 3651 },
            fields: ['/body/expiresInDays'],
          },
          {
            name: 'a fractional expiresInDays',
            body: { name: 'x', expiresInDays: 1.5 },
            fields: ['/body/expiresInDays'],
          },
          {
            name: 'a userId that is not a UUID',
            body: { name: 'x', userId: 'admin' },
            fields: ['/body/userId'],
          },
          {
            name: 'an unknown userId → 404 user.not_found',
            body: { name: 'x', userId: UNKNOWN },
            status: 404,
            code: 'user.not_found',
          },
        ],
      },
      {
        route: 'POST /api/v1/users',
        role: 'administrator',
        valid: () => ({
          username: 'newbie',
          displayName: 'New Starter',
          role: 'officer',
          password: TEST_PASSWORD,
        }),
        cases: [
          {
            name: 'missing every required field',
            body: {},
            fields: ['/body/username', '/body/displayName', '/body/role', '/body/password'],
            message: /^is required$/,
          },
          {
            name: 'numbers for strings',
            body: { username: 'newbie', displayName: 7, role: 'officer', password: 12345678901 },
            fields: ['/body/displayName', '/body/password'],
          },
          {
            name: 'a role that does not exist',
            body: { username: 'newbie', displayName: 'N', role: 'superuser', password: TEST_PASSWORD },
            fields: ['/body/role'],
            message: /must be one of: officer, trainee/,
          },
          {
            name: 'a password shorter than 10 characters',
            body: { username: 'newbie', displayName: 'N', role: 'officer', password: 'short' },
            fields: ['/body/password'],
          },
          {
            name: 'an upper-case username',
            body: { username: 'NewBie', displayName: 'N', role: 'officer', password: TEST_PASSWORD },
            fields: ['/body/username'],
          },
          {
            name: 'an e-mail address that is not one',
            body: {
              username: 'newbie',
              displayName: 'N',
              role: 'officer',
              password: TEST_PASSWORD,
              email: 'nope',
            },
            fields: ['/body/email'],
          },
          {
            name: 'a taken username → 409 user.username_taken',
            body: { username: 'officer', displayName: 'N', role: 'officer', password: TEST_PASSWORD },
            status: 409,
            code: 'user.username_taken',
          },
          {
            name: 'an unknown team → 404 team.not_found',
            body: {
              username: 'newbie',
              displayName: 'N',
              role: 'officer',
              password: TEST_PASSWORD,
              teamId: UNKNOWN,
            },
            status: 404,
            code: 'team.not_found',
            fields: ['/body/teamId'],
          },
        ],
      },
      {
        route: 'PATCH /api/v1/users/:id',
        role: 'administrator',
        id: () => fx.spareUserId,
        valid: () => ({ displayName: 'Renamed' }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'], message: /at least one field/ },
          {
            name: 'a string for a boolean, a number for a string',
            body: { active: 'false', displayName: 5 },
            fields: ['/body/active', '/body/displayName'],
          },
          {
            name: 'null for a field that is not nullable',
            body: { displayName: null },
            fields: ['/body/displayName'],
          },
          {
            name: 'an unknown department → 404 department.not_found',
            body: { departmentId: UNKNOWN },
            status: 404,
            code: 'department.not_found',
            fields: ['/body/departmentId'],
          },
        ],
      },
      {
        route: 'POST /api/v1/users/:id/password',
        role: 'administrator',
        id: () => fx.spareUserId,
        valid: () => ({ password: 'a fresh passphrase' }),
        cases: [
          { name: 'missing password', body: {}, fields: ['/body/password'] },
          {
            name: 'a password of 11 characters',
            body: { password: 'eleven char' },
            fields: ['/body/password'],
          },
          {
            name: 'a common password',
            body: { password: 'iloveyou1234' },
            fields: ['/body/password'],
            message: /commonly used/,
          },
        ],
      },
      {
        route: 'POST /api/v1/teams',
        role: 'supervisor',
        valid: () => ({ name: 'Team Z' }),
        cases: [
          { name: 'missing name', body: {}, fields: ['/body/name'] },
          {
            name: 'a number for a string, a non-UUID reference',
            body: { name: 7, departmentId: 'billing' },
            fields: ['/body/name', '/body/departmentId'],
          },
          {
            name: 'a taken name → 409 team.name_taken',
            body: { name: 'Team A' },
            status: 409,
            code: 'team.name_taken',
          },
          {
            name: 'an unknown leader → 404 user.not_found',
            body: { name: 'Team Y', leaderId: UNKNOWN },
            status: 404,
            code: 'user.not_found',
            fields: ['/body/leaderId'],
          },
          {
            name: 'an unknown department → 404 department.not_found',
            body: { name: 'Team X', departmentId: UNKNOWN },
            status: 404,
            code: 'department.not_found',
            fields: ['/body/departmentId'],
          },
        ],
      },
      {
        route: 'POST /api/v1/departments',
        role: 'supervisor',
        valid: () => ({ name: 'Retentions', purpose: 'Keeps customers' }),
        cases: [
          { name: 'missing name and purpose', body: {}, fields: ['/body/name', '/body/purpose'] },
          {
            name: 'a string for a boolean, a number for a string',
            body: { name: 'Retentions', purpose: 'p', external: 'yes', phone: 6561234567 },
            fields: ['/body/external', '/body/phone'],
          },
          {
            name: 'a phone number with letters',
            body: { name: 'Retentions', purpose: 'p', phone: 'call us' },
            fields: ['/body/phone'],
          },
          {
            name: 'a taken name → 409 department.name_taken',
            body: { name: 'Billing', purpose: 'Again' },
            status: 409,
            code: 'department.name_taken',
          },
        ],
      },
      {
        route: 'PATCH /api/v1/departments/:id',
        role: 'supervisor',
        id: () => t.outside.id,
        valid: () => ({ hours: '24/7' }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          {
            name: 'a string for a boolean, a number for a string',
            body: { active: 'true', name: 1 },
            fields: ['/body/active', '/body/name'],
          },
          {
            name: 'renaming onto a taken name → 409 department.name_taken',
            body: { name: 'Billing' },
            status: 409,
            code: 'department.name_taken',
          },
        ],
      },
      {
        route: 'POST /api/v1/customers',
        role: 'officer',
        valid: () => ({ displayName: 'Ng Wei Ling' }),
        cases: [
          { name: 'missing displayName', body: {}, fields: ['/body/displayName'] },
          {
            name: 'a number for a string, a string for a nested boolean',
            body: {
              displayName: 42,
              consent: { marketing: 'yes', sms: false, email: false, callRecording: false },
            },
            fields: ['/body/displayName', '/body/consent/marketing'],
          },
          {
            name: 'an unknown field inside a phone',
            body: { displayName: 'Ng', phones: [{ kind: 'mobile', number: '+65 9123 4567', ext: '12' }] },
            fields: ['/body/phones/0/ext'],
          },
          {
            name: 'a consent object missing fields',
            body: { displayName: 'Ng', consent: { marketing: true } },
            fields: ['/body/consent/sms', '/body/consent/email', '/body/consent/callRecording'],
          },
          {
            name: 'a date of birth that does not exist',
            body: { displayName: 'Ng', dateOfBirth: '1980-02-30' },
            fields: ['/body/dateOfBirth'],
          },
          {
            name: 'an e-mail that is not one',
            body: { displayName: 'Ng', emails: ['nope'] },
            fields: ['/body/emails/0'],
          },
          {
            name: 'more than 10 phones',
            body: {
              displayName: 'Ng',
              phones: Array.from({ length: 11 }, (_, i) => ({
                kind: 'other',
                number: `+65 6000 00${10 + i}`,
              })),
            },
            fields: ['/body/phones'],
          },
          { name: 'an empty displayName', body: { displayName: '' }, fields: ['/body/displayName'] },
          {
            name: 'an ID number another customer holds → 409 customer.identifier_taken',
            body: { displayName: 'Impostor', idNumber: 's7654321a' },
            status: 409,
            code: 'customer.identifier_taken',
            fields: ['/body/idNumber'],
          },
        ],
      },
      {
        route: 'PATCH /api/v1/customers/:id',
        role: 'supervisor',
        id: () => fx.customer.id,
        valid: () => ({ segment: 'gold' }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          {
            name: 'a number for a string, a string for an array',
            body: { segment: 3, emails: 'a@example.com' },
            fields: ['/body/segment', '/body/emails'],
          },
          {
            name: 'a contactId that is not a UUID',
            body: { segment: 'x', contactId: 'abc' },
            fields: ['/body/contactId'],
          },
          {
            name: 'an ID number another customer holds → 409 customer.identifier_taken',
            body: { idNumber: 'S7654322B' },
            status: 409,
            code: 'customer.identifier_taken',
            fields: ['/body/idNumber'],
          },
          {
            name: 'an officer without a verified contact → 403 contact.not_verified',
            role: 'officer',
            body: { segment: 'gold' },
            status: 403,
            code: 'contact.not_verified',
            fields: ['/body/contactId'],
          },
          {
            name: 'an officer with a contact that has not verified → 403 contact.not_verified',
            role: 'officer',
            body: () => ({ segment: 'gold', contactId: fx.contact.id }),
            status: 403,
            code: 'contact.not_verified',
          },
          {
            name: 'a patch naming only the verifying contact, with nothing to change',
            role: 'officer',
            id: () => fx.verified.customer.id,
            body: () => ({ contactId: fx.verified.contact.id }),
            fields: ['/body'],
          },
          {
            name: "an officer with another customer's verified contact → 403 contact.not_verified",
            role: 'officer',
            body: () => ({ segment: 'gold', contactId: fx.verified.contact.id }),
            status: 403,
            code: 'contact.not_verified',
          },
        ],
      },
      {
        route: 'POST /api/v1/customers/:id/accounts',
        role: 'supervisor',
        id: () => fx.customer.id,
        valid: () => ({ accountNumber: 'NEW-0001' }),
        cases: [
          { name: 'missing accountNumber', body: {}, fields: ['/body/accountNumber'] },
          {
            name: 'a number for a string, an object for an array',
            body: { accountNumber: 12345678, services: {} },
            fields: ['/body/accountNumber', '/body/services'],
          },
          {
            name: 'a lower-case currency',
            body: { accountNumber: 'NEW-0002', currency: 'sgd' },
            fields: ['/body/currency'],
          },
          {
            name: 'a service of an unknown kind without a number',
            body: { accountNumber: 'NEW-0003', services: [{ kind: 'pager' }] },
            fields: ['/body/services/0/kind', '/body/services/0/number'],
          },
          {
            name: 'an account number in use → 409 account.number_taken',
            body: () => ({ accountNumber: fx.accountNumber.toLowerCase() }),
            status: 409,
            code: 'account.number_taken',
            fields: ['/body/accountNumber'],
          },
          {
            name: 'an officer without a verified contact → 403 contact.not_verified',
            role: 'officer',
            body: { accountNumber: 'NEW-0004' },
            status: 403,
            code: 'contact.not_verified',
            fields: ['/body/contactId'],
          },
        ],
      },
      {
        route: 'PATCH /api/v1/accounts/:id',
        role: 'supervisor',
        id: () => fx.verified.customer.account.id,
        valid: () => ({ billingAddress: '1 Main Street', contactId: fx.verified.contact.id }),
        cases: [
          {
            name: 'a status that does not exist, a service without a number',
            body: () => ({
              status: 'frozen',
              addServices: [{ kind: 'mobile' }],
              contactId: fx.verified.contact.id,
            }),
            fields: ['/body/status', '/body/addServices/0/number'],
          },
          {
            name: 'a number for a string',
            body: () => ({ billingAddress: 12, contactId: fx.verified.contact.id }),
            fields: ['/body/billingAddress'],
          },
          {
            name: 'an empty patch',
            body: {},
            fields: ['/body'],
          },
          {
            name: 'a patch naming only the verifying contact, with nothing to change',
            body: () => ({ contactId: fx.verified.contact.id }),
            fields: ['/body'],
          },
          {
            name: 'no verified contact (an account change always needs one) → 403 contact.not_verified',
            body: { status: 'suspended' },
            status: 403,
            code: 'contact.not_verified',
            fields: ['/body/contactId'],
          },
          {
            name: 'a contact of another customer → 403 contact.not_verified',
            body: () => ({ status: 'suspended', contactId: fx.contact.id }),
            status: 403,
            code: 'contact.not_verified',
          },
        ],
      },
      {
        route: 'POST /api/v1/contacts',
        role: 'officer',
        valid: () => ({ channel: 'phone', direction: 'inbound' }),
        cases: [
          { name: 'missing channel and direction', body: {}, fields: ['/body/channel', '/body/direction'] },
          {
            name: 'a channel not logged by hand, a number for a string',
            body: { channel: 'email', direction: 1 },
            fields: ['/body/channel', '/body/direction'],
          },
          {
            name: 'a number for notes, a startedAt that is not a timestamp',
            body: { channel: 'phone', direction: 'inbound', notes: 5, startedAt: 'yesterday' },
            fields: ['/body/notes', '/body/startedAt'],
          },
          {
            name: 'an unknown customer → 404 customer.not_found',
            body: { channel: 'phone', direction: 'inbound', customerId: UNKNOWN },
            status: 404,
            code: 'customer.not_found',
            fields: ['/body/customerId'],
          },
          {
            name: 'a leap-second startedAt (valid RFC 3339, not a JS Date) is refused, not a 500',
            body: { channel: 'phone', direction: 'inbound', startedAt: '2016-12-31T23:59:60Z' },
            fields: ['/body/startedAt'],
          },
        ],
      },
      {
        route: 'PATCH /api/v1/contacts/:id',
        role: 'officer',
        id: () => fx.contact.id,
        valid: () => ({ notes: 'Called about a bill' }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          {
            name: 'false for end, a number for notes',
            body: { end: false, notes: 5 },
            fields: ['/body/end', '/body/notes'],
          },
          { name: 'a string for a boolean', body: { end: 'true' }, fields: ['/body/end'] },
          {
            name: 'an unknown customer → 404 customer.not_found',
            body: { customerId: UNKNOWN },
            status: 404,
            code: 'customer.not_found',
            fields: ['/body/customerId'],
          },
          {
            name: 'ending a contact that has ended → 409 contact.already_ended',
            id: () => fx.ended.id,
            body: { end: true },
            status: 409,
            code: 'contact.already_ended',
          },
        ],
      },
      {
        route: 'POST /api/v1/contacts/:id/verification',
        role: 'officer',
        id: () => fx.contact.id,
        valid: () => ({ answers: [{ particular: 'name', value: 'Someone' }] }),
        cases: [
          { name: 'missing answers', body: {}, fields: ['/body/answers'] },
          { name: 'no answers', body: { answers: [] }, fields: ['/body/answers'] },
          { name: 'a string for an array', body: { answers: 'name' }, fields: ['/body/answers'] },
          {
            name: 'a particular that does not exist, an empty value',
            body: { answers: [{ particular: 'shoe_size', value: '' }] },
            fields: ['/body/answers/0/particular', '/body/answers/0/value'],
          },
          {
            name: 'a ticked result instead of the caller’s answer (the server compares, not the officer)',
            body: { answers: [{ particular: 'name', result: 'match' }] },
            fields: ['/body/answers/0/value', '/body/answers/0/result'],
          },
          {
            name: 'a contact with no customer → 409 contact.no_customer',
            id: () => fx.bare.id,
            body: { answers: [{ particular: 'name', value: 'Someone' }] },
            status: 409,
            code: 'contact.no_customer',
          },
        ],
      },
      {
        route: 'PUT /api/v1/contacts/:id/draft',
        role: 'officer',
        id: () => fx.contact.id,
        valid: () => ({ data: { enquiry: 'Bill is wrong' } }),
        cases: [
          { name: 'no data', body: {}, fields: ['/body/data'] },
          { name: 'a string for the draft', body: { data: 'x' }, fields: ['/body/data'] },
          {
            name: 'a draft over 32 KB',
            body: { data: { enquiry: 'x'.repeat(33 * 1024) } },
            fields: ['/body/data'],
          },
          {
            name: 'an ended contact → 409 contact.already_ended',
            id: () => fx.ended.id,
            body: { data: { enquiry: 'x' } },
            status: 409,
            code: 'contact.already_ended',
          },
        ],
      },
      {
        route: 'PUT /api/v1/settings/verification-policy',
        role: 'supervisor',
        valid: () => ({ required: ['name'], anyOf: ['id_number', 'date_of_birth'], anyOfCount: 1 }),
        cases: [
          {
            name: 'missing every field',
            body: {},
            fields: ['/body/required', '/body/anyOf', '/body/anyOfCount'],
          },
          {
            name: 'a string for an array, a string for a number',
            body: { required: 'name', anyOf: [], anyOfCount: '1' },
            fields: ['/body/required', '/body/anyOfCount'],
          },
          {
            name: 'a particular named twice',
            body: { required: ['name', 'name'], anyOf: [], anyOfCount: 0 },
            fields: ['/body/required'],
          },
          {
            name: 'a particular that does not exist',
            body: { required: ['shoe_size'], anyOf: [], anyOfCount: 0 },
            fields: ['/body/required/0'],
          },
          {
            name: 'a policy that demands nothing',
            body: { required: [], anyOf: [], anyOfCount: 0 },
            fields: ['/body/required'],
          },
          {
            name: 'anyOfCount above the anyOf list',
            body: { required: ['name'], anyOf: ['email'], anyOfCount: 2 },
            fields: ['/body/anyOfCount'],
          },
          {
            name: 'a particular both required and in anyOf',
            body: { required: ['name'], anyOf: ['name', 'email'], anyOfCount: 1 },
            fields: ['/body/anyOf'],
          },
        ],
      },
      {
        route: 'PUT /api/v1/settings/phrases',
        role: 'supervisor',
        valid: () => ({ greeting: 'Good morning, {officer} speaking.', closing: 'Thank you for calling.' }),
        cases: [
          { name: 'missing every field', body: {}, fields: ['/body/greeting', '/body/closing'] },
          {
            name: 'an empty greeting, a number for the closing',
            body: { greeting: '', closing: 7 },
            fields: ['/body/greeting', '/body/closing'],
          },
        ],
      },
      {
        route: 'POST /api/v1/calendars',
        role: 'supervisor',
        valid: () => ({
          name: `Cal ${Math.random()}`,
          timeZone: 'UTC',
          hours: { '1': [['09:00', '17:00']] },
        }),
        cases: [
          { name: 'missing every field', body: {}, fields: ['/body/name', '/body/timeZone', '/body/hours'] },
          {
            name: 'a weekday that does not exist, a time that is not HH:mm',
            body: { name: 'x', timeZone: 'UTC', hours: { '8': [], '1': [['9am', '17:00']] } },
            fields: ['/body/hours/8', '/body/hours/1/0/0'],
          },
          {
            name: 'overlapping intervals',
            body: {
              name: 'x',
              timeZone: 'UTC',
              hours: {
                '1': [
                  ['09:00', '12:00'],
                  ['11:00', '13:00'],
                ],
              },
            },
            fields: ['/body/hours/1/1'],
          },
          {
            name: 'an unknown time zone',
            body: { name: 'x', timeZone: 'Mars/Olympus', hours: { '1': [['09:00', '12:00']] } },
            fields: ['/body/timeZone'],
          },
        ],
      },
      {
        route: 'POST /api/v1/sla-policies',
        role: 'supervisor',
        valid: () => ({
          name: `P ${Math.random()}`,
          position: 1,
          calendarId: fx.calendarId,
          conditions: {},
          resolutionMinutes: 60,
        }),
        cases: [
          {
            name: 'missing every field',
            body: {},
            fields: ['/body/name', '/body/position', '/body/calendarId', '/body/conditions'],
          },
          {
            name: 'a negative target, a condition that lists nothing',
            body: () => ({
              name: 'x',
              position: 1,
              calendarId: fx.calendarId,
              conditions: { types: [] },
              resolutionMinutes: -1,
            }),
            fields: ['/body/conditions/types', '/body/resolutionMinutes'],
          },
          {
            name: 'an unknown calendar',
            body: { name: 'x', position: 1, calendarId: UNKNOWN, conditions: {}, resolutionMinutes: 60 },
            fields: ['/body/calendarId'],
          },
        ],
      },
      {
        route: 'PATCH /api/v1/sla-policies/:id',
        role: 'supervisor',
        id: () => fx.policyId,
        valid: () => ({ position: 7 }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          { name: 'no target left', body: { resolutionMinutes: null }, fields: ['/body/resolutionMinutes'] },
        ],
      },
      {
        route: 'PATCH /api/v1/calendars/:id',
        role: 'supervisor',
        id: () => fx.calendarId,
        valid: () => ({ hours: { '2': [['08:00', '18:00']] } }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          {
            name: 'a reversed interval (which also leaves it never open)',
            body: { hours: { '1': [['17:00', '09:00']] } },
            fields: ['/body/hours/1/0', '/body/hours'],
          },
        ],
      },
      {
        route: 'POST /api/v1/calendars/:id/holidays',
        role: 'supervisor',
        id: () => fx.calendarId,
        valid: () => ({ holidays: [{ date: '2026-12-25', name: 'Christmas Day' }] }),
        cases: [
          { name: 'no holidays', body: { holidays: [] }, fields: ['/body/holidays'] },
          {
            name: 'a date that is not a date',
            body: { holidays: [{ date: '25/12/2026', name: 'x' }] },
            fields: ['/body/holidays/0/date'],
          },
        ],
      },
      {
        route: 'POST /api/v1/escalation-rules',
        role: 'supervisor',
        valid: () => ({
          name: `Rule ${Math.random()}`,
          position: 3,
          clock: 'first_response',
          offsetMinutes: -15,
          actions: { notify: ['assignee'] },
        }),
        cases: [
          {
            name: 'missing every field',
            body: {},
            fields: ['/body/name', '/body/position', '/body/clock', '/body/offsetMinutes', '/body/actions'],
          },
          {
            name: 'offsetMinutes more than a week after the breach (10081)',
            body: rule({ offsetMinutes: 10_081 }),
            fields: ['/body/offsetMinutes'],
          },
          {
            name: 'offsetMinutes more than a week before the breach (-10081)',
            body: rule({ offsetMinutes: -10_081 }),
            fields: ['/body/offsetMinutes'],
          },
          {
            name: 'a fractional offset, a string for the position',
            body: rule({ position: '1', offsetMinutes: 1.5 }),
            fields: ['/body/position', '/body/offsetMinutes'],
          },
          {
            name: 'a negative position, a clock that does not exist, an empty name',
            body: rule({ name: '', position: -1, clock: 'lunch' }),
            fields: ['/body/name', '/body/position', '/body/clock'],
          },
          {
            name: 'a rule with no action',
            body: rule({ actions: {} }),
            fields: ['/body/actions'],
            message: /at least one action/,
          },
          {
            name: 'a rule whose only action is e-mail',
            body: rule({ actions: { email: true } }),
            fields: ['/body/actions', '/body/actions/email'],
          },
          {
            name: 'e-mail with nobody notified',
            body: rule({ actions: { raisePriority: 'high', email: true } }),
            fields: ['/body/actions/email'],
          },
          {
            name: 'an unknown action, a notify target that does not exist',
            body: rule({ actions: { notify: ['customer'], page: true } }),
            fields: ['/body/actions/notify/0', '/body/actions/page'],
          },
          {
            name: 'nobody to notify, a reassignment to an officer, a priority it cannot raise to',
            body: rule({ actions: { notify: [], reassignTo: 'officer', raisePriority: 'low' } }),
            fields: ['/body/actions/notify', '/body/actions/reassignTo', '/body/actions/raisePriority'],
          },
          {
            name: 'a condition that lists nothing',
            body: rule({ conditions: { types: [] } }),
            fields: ['/body/conditions/types'],
          },
          {
            name: 'a condition on a category that does not exist (it could never match)',
            body: rule({ conditions: { categoryIds: [UNKNOWN] } }),
            fields: ['/body/conditions/categoryIds'],
          },
          {
            name: 'a taken name → 409 escalation_rule.name_taken',
            body: rule({ name: 'Warn before breach' }),
            status: 409,
            code: 'escalation_rule.name_taken',
            fields: ['/body/name'],
          },
        ],
      },
      {
        route: 'PATCH /api/v1/escalation-rules/:id',
        role: 'supervisor',
        id: () => fx.ruleId,
        valid: () => ({ position: 4 }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          {
            name: 'offsetMinutes out of range',
            body: { offsetMinutes: 10_081 },
            fields: ['/body/offsetMinutes'],
          },
          {
            name: 'null for the name, a string for a boolean',
            body: { name: null, active: 'no' },
            fields: ['/body/name', '/body/active'],
          },
          { name: 'taking away every action', body: { actions: {} }, fields: ['/body/actions'] },
          {
            name: 'actions that only e-mail',
            body: { actions: { email: true } },
            fields: ['/body/actions', '/body/actions/email'],
          },
          {
            name: 'a condition on a category that does not exist',
            body: { conditions: { categoryIds: [UNKNOWN] } },
            fields: ['/body/conditions/categoryIds'],
          },
          {
            name: 'renaming onto a taken name → 409 escalation_rule.name_taken',
            body: { name: 'Breached' },
            status: 409,
            code: 'escalation_rule.name_taken',
            fields: ['/body/name'],
          },
        ],
      },
      {
        route: 'PUT /api/v1/settings/sla',
        role: 'supervisor',
        valid: () => ({
          urgentAckMinutes: 20,
          progressUpdateTemplate: 'Dear {customerName}, we are still working on {caseReference}.',
        }),
        cases: [
          {
            name: 'missing every field',
            body: {},
            fields: ['/body/urgentAckMinutes', '/body/progressUpdateTemplate'],
          },
          {
            name: 'urgentAckMinutes 0',
            body: { urgentAckMinutes: 0, progressUpdateTemplate: 'x' },
            fields: ['/body/urgentAckMinutes'],
          },
          {
            name: 'a negative urgentAckMinutes',
            body: { urgentAckMinutes: -15, progressUpdateTemplate: 'x' },
            fields: ['/body/urgentAckMinutes'],
          },
          {
            name: 'urgentAckMinutes over a day (1441)',
            body: { urgentAckMinutes: 1441, progressUpdateTemplate: 'x' },
            fields: ['/body/urgentAckMinutes'],
          },
          {
            name: 'a fractional urgentAckMinutes',
            body: { urgentAckMinutes: 1.5, progressUpdateTemplate: 'x' },
            fields: ['/body/urgentAckMinutes'],
          },
          {
            name: 'a string for a number, a number for a string',
            body: { urgentAckMinutes: '15', progressUpdateTemplate: 15 },
            fields: ['/body/urgentAckMinutes', '/body/progressUpdateTemplate'],
          },
          {
            name: 'an empty template',
            body: { urgentAckMinutes: 15, progressUpdateTemplate: '' },
            fields: ['/body/progressUpdateTemplate'],
          },
          {
            name: 'a template over 2000 characters',
            body: { urgentAckMinutes: 15, progressUpdateTemplate: 'x'.repeat(2001) },
            fields: ['/body/progressUpdateTemplate'],
          },
        ],
      },
      {
        route: 'POST /api/v1/cases/:id/commitments',
        role: 'officer',
        id: () => fx.caseId,
        valid: () => ({ dueAt: TOMORROW, method: 'call' }),
        cases: [
          { name: 'missing dueAt and method', body: {}, fields: ['/body/dueAt', '/body/method'] },
          {
            name: 'a dueAt that is not a date-time, a method that does not exist',
            body: { dueAt: 'tomorrow', method: 'pigeon' },
            fields: ['/body/dueAt', '/body/method'],
          },
          {
            name: 'a date without a time',
            body: { dueAt: '2026-11-24', method: 'call' },
            fields: ['/body/dueAt'],
          },
          {
            name: 'a negative remindMinutes',
            body: { dueAt: TOMORROW, method: 'call', remindMinutes: -1 },
            fields: ['/body/remindMinutes'],
          },
          {
            name: 'remindMinutes over a day (1441)',
            body: { dueAt: TOMORROW, method: 'call', remindMinutes: 1441 },
            fields: ['/body/remindMinutes'],
          },
          {
            name: 'a string for remindMinutes, a number for the note',
            body: { dueAt: TOMORROW, method: 'call', remindMinutes: '15', note: 5 },
            fields: ['/body/remindMinutes', '/body/note'],
          },
          {
            name: 'a note over 2000 characters',
            body: { dueAt: TOMORROW, method: 'call', note: 'x'.repeat(2001) },
            fields: ['/body/note'],
          },
          {
            name: 'a leap-second dueAt (valid RFC 3339, not a JS Date) is refused, not a 500',
            body: { dueAt: '2026-12-31T23:59:60Z', method: 'call' },
            fields: ['/body/dueAt'],
          },
          {
            name: 'due in the past → 422 commitment.in_past',
            body: { dueAt: '2026-11-22T09:00:00.000Z', method: 'call' },
            status: 422,
            code: 'commitment.in_past',
            fields: ['/body/dueAt'],
          },
          {
            name: 'due this very instant → 422 commitment.in_past',
            body: { dueAt: '2026-11-23T09:00:00.000Z', method: 'call' },
            status: 422,
            code: 'commitment.in_past',
            fields: ['/body/dueAt'],
          },
          {
            name: 'in the past once its offset is applied (16:59+08:00 is 08:59Z) → 422 commitment.in_past',
            body: { dueAt: '2026-11-23T16:59:00+08:00', method: 'call' },
            status: 422,
            code: 'commitment.in_past',
            fields: ['/body/dueAt'],
          },
        ],
      },
      {
        route: 'PATCH /api/v1/commitments/:id',
        role: 'officer',
        id: () => fx.commitmentId,
        valid: () => ({ note: 'Will call after lunch' }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          { name: 'reopening it (state open)', body: { state: 'open' }, fields: ['/body/state'] },
          { name: 'a state that does not exist', body: { state: 'done' }, fields: ['/body/state'] },
          {
            name: 'a dueAt that is not a date-time, a number for the note',
            body: { dueAt: 'soon', note: 5 },
            fields: ['/body/dueAt', '/body/note'],
          },
          { name: 'a note over 2000 characters', body: { note: 'x'.repeat(2001) }, fields: ['/body/note'] },
          {
            name: 'moving it into the past → 422 commitment.in_past',
            body: { dueAt: '2026-11-22T09:00:00.000Z' },
            status: 422,
            code: 'commitment.in_past',
            fields: ['/body/dueAt'],
          },
          {
            name: 'a commitment already kept → 409 commitment.not_open',
            id: () => fx.keptCommitmentId,
            body: { note: 'too late' },
            status: 409,
            code: 'commitment.not_open',
          },
        ],
      },
      {
        route: 'POST /api/v1/cases/:id/progress-updates',
        role: 'officer',
        id: () => fx.caseId,
        valid: () => ({ channel: 'email', body: 'We are still working on your case.' }),
        cases: [
          { name: 'missing channel and body', body: {}, fields: ['/body/channel', '/body/body'] },
          {
            name: 'a channel an update cannot go out on (walk_in)',
            body: { channel: 'walk_in', body: 'x' },
            fields: ['/body/channel'],
          },
          { name: 'an empty body', body: { channel: 'sms', body: '' }, fields: ['/body/body'] },
          {
            name: 'a body over 5000 characters',
            body: { channel: 'letter', body: 'x'.repeat(5001) },
            fields: ['/body/body'],
          },
          {
            name: 'null for the channel, a number for the body',
            body: { channel: null, body: 42 },
            fields: ['/body/channel', '/body/body'],
          },
        ],
      },
      {
        route: 'POST /api/v1/cases',
        role: 'officer',
        valid: () => ({ contactId: fx.contact.id, type: 'complaint', subject: 'Charged twice' }),
        cases: [
          {
            name: 'missing every required field',
            body: {},
            fields: ['/body/contactId', '/body/type', '/body/subject'],
          },
          {
            name: 'a bad UUID, an unknown type, an empty subject',
            body: { contactId: 'c1', type: 'rant', subject: '' },
            fields: ['/body/contactId', '/body/type', '/body/subject'],
          },
          {
            name: 'a number for an enum, a boolean for a string',
            body: () => ({
              contactId: fx.contact.id,
              type: 'complaint',
              subject: 'x',
              priority: 3,
              description: false,
            }),
            fields: ['/body/priority', '/body/description'],
          },
          {
            name: 'an unknown contact → 404 contact.not_found',
            body: { contactId: UNKNOWN, type: 'complaint', subject: 'x' },
            status: 404,
            code: 'contact.not_found',
            fields: ['/body/contactId'],
          },
          ...(
            [
              ['categoryId', 'category.not_found'],
              ['assigneeId', 'user.not_found'],
              ['teamId', 'team.not_found'],
              ['departmentId', 'department.not_found'],
            ] as const
          ).map(([field, code]) => ({
            name: `an unknown ${field} → 404 ${code}`,
            body: () => ({ contactId: fx.contact.id, type: 'complaint', subject: 'x', [field]: UNKNOWN }),
            status: 404,
            code,
            fields: [`/body/${field}`],
          })),
        ],
      },
      {
        route: 'PATCH /api/v1/cases/:id',
        role: 'officer',
        id: () => fx.caseId,
        valid: () => ({ priority: 'high' }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          {
            name: 'an unknown priority, a number for a string',
            body: { priority: 'asap', subject: 5 },
            fields: ['/body/priority', '/body/subject'],
          },
          {
            name: 'an If-Match that is not a version',
            body: { priority: 'high' },
            headers: { 'if-match': '"abc"' },
            fields: ['/headers/if-match'],
          },
          {
            name: 'a stale If-Match → 412 request.precondition_failed',
            body: { priority: 'high' },
            headers: { 'if-match': '"99"' },
            status: 412,
            code: 'request.precondition_failed',
          },
          {
            name: 'an unknown assignee → 404 user.not_found',
            body: { assigneeId: UNKNOWN },
            status: 404,
            code: 'user.not_found',
            fields: ['/body/assigneeId'],
          },
        ],
      },
      {
        route: 'POST /api/v1/cases/:id/transitions',
        role: 'officer',
        id: () => fx.caseId,
        valid: () => ({ action: 'await_customer' }),
        cases: [
          { name: 'missing action', body: {}, fields: ['/body/action'] },
          {
            name: 'an unknown action, a string for a boolean',
            body: { action: 'explode', customerConfirmed: 'yes' },
            fields: ['/body/action', '/body/customerConfirmed'],
          },
          {
            name: 'an empty resolution summary',
            body: { action: 'resolve', resolutionSummary: '' },
            fields: ['/body/resolutionSummary'],
          },
          {
            name: 'closing an open case → 409 case.transition_not_allowed',
            body: { action: 'close' },
            status: 409,
            code: 'case.transition_not_allowed',
          },
          {
            name: 'resolving without a summary → 422 case.resolution_required',
            body: { action: 'resolve' },
            status: 422,
            code: 'case.resolution_required',
            fields: ['/body/resolutionSummary'],
          },
        ],
      },
      {
        route: 'POST /api/v1/cases/:id/notes',
        role: 'officer',
        id: () => fx.caseId,
        valid: () => ({ body: 'Called back', visibility: 'internal' }),
        cases: [
          { name: 'missing body and visibility', body: {}, fields: ['/body/body', '/body/visibility'] },
          {
            name: 'a number for a string, an unknown visibility',
            body: { body: 5, visibility: 'everyone' },
            fields: ['/body/body', '/body/visibility'],
          },
          { name: 'an empty note', body: { body: '', visibility: 'public' }, fields: ['/body/body'] },
          {
            name: 'an unknown contact → 404 contact.not_found',
            body: { body: 'x', visibility: 'internal', contactId: UNKNOWN },
            status: 404,
            code: 'contact.not_found',
          },
        ],
      },
      {
        route: 'POST /api/v1/cases/:id/referrals',
        role: 'officer',
        id: () => fx.caseId,
        valid: () => ({ mode: 'signpost', departmentId: t.department.id, reason: 'Billing dispute' }),
        cases: [
          { name: 'missing mode and reason', body: {}, fields: ['/body/mode', '/body/reason'] },
          {
            name: 'an unknown mode, a string for a boolean',
            body: { mode: 'teleport', reason: 'x', urgent: 'yes' },
            fields: ['/body/mode', '/body/urgent'],
          },
          {
            name: 'a transfer without a department',
            body: { mode: 'transfer', reason: 'x' },
            fields: ['/body/departmentId'],
          },
          {
            name: 'a transfer to an outside party',
            body: () => ({ mode: 'transfer', departmentId: t.outside.id, reason: 'x' }),
            fields: ['/body/departmentId'],
          },
          {
            name: 'a signpost naming nobody',
            body: { mode: 'signpost', reason: 'x' },
            fields: ['/body/departmentId'],
          },
          {
            name: 'a signpost to a party without a number',
            body: { mode: 'signpost', partyName: 'Ombudsman', reason: 'x' },
            fields: ['/body/contactNumberGiven'],
          },
          {
            name: 'an unknown department → 404 department.not_found',
            body: { mode: 'transfer', departmentId: UNKNOWN, reason: 'x' },
            status: 404,
            code: 'department.not_found',
            fields: ['/body/departmentId'],
          },
        ],
      },
      {
        route: 'POST /api/v1/case-categories',
        role: 'supervisor',
        valid: () => ({ name: 'Roaming' }),
        cases: [
          { name: 'missing name', body: {}, fields: ['/body/name'] },
          {
            name: 'a number for a string, a fraction for an integer',
            body: { name: 1, position: 1.5 },
            fields: ['/body/name', '/body/position'],
          },
          { name: 'a negative position', body: { name: 'x', position: -1 }, fields: ['/body/position'] },
          {
            name: 'an unknown parent → 404 category.not_found',
            body: { name: 'x', parentId: UNKNOWN },
            status: 404,
            code: 'category.not_found',
            fields: ['/body/parentId'],
          },
        ],
      },
      {
        route: 'PATCH /api/v1/case-categories/:id',
        role: 'supervisor',
        id: () => fx.categoryId,
        valid: () => ({ position: 1 }),
        cases: [
          { name: 'an empty patch', body: {}, fields: ['/body'] },
          {
            name: 'strings for a boolean and an integer',
            body: { active: 'no', position: '1' },
            fields: ['/body/active', '/body/position'],
          },
          { name: 'its own parent', body: () => ({ parentId: fx.categoryId }), fields: ['/body/parentId'] },
          {
            name: 'under its own child',
            body: () => ({ parentId: fx.childCategoryId }),
            fields: ['/body/parentId'],
          },
          {
            name: 'an unknown parent → 404 category.not_found',
            body: { parentId: UNKNOWN },
            status: 404,
            code: 'category.not_found',
            fields: ['/body/parentId'],
          },
        ],
      },
    ];

    /** Writes that take no body (their path ids are covered below). */
    const BODILESS = [
      'POST /api/v1/auth/logout',
      'POST /api/v1/users/:id/unlock',
      'POST /api/v1/escalations/:id/acknowledge',
      'POST /api/v1/notifications/:id/read',
      'POST /api/v1/notifications/read-all',
      'POST /api/v1/kb/articles/:id/submit',
      'POST /api/v1/kb/articles/:id/archive',
      'POST /api/v1/disseminations/:id/remind',
      'POST /api/v1/disseminations/:id/acknowledge',
    ];

    test('every route that takes a body is covered here', async () => {
      const withBody = t.routes
        .filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))
        .map((r) => `${r.method} ${r.url}`)
        .filter((route) => !BODILESS.includes(route))
        .sort();
      assert.deepEqual(BODY_ROUTES.map((b) => b.route).sort(), withBody);
      // The exceptions really declare no body, and every write covered here declares one.
      const spec = (await t.call(null, 'GET', '/api/v1/openapi.json')).data;
      const declaresBody = (route: string) => {
        const [m, url] = route.split(' ') as [string, string];
        const op = spec.paths[url.replace(/:(\w+)/g, '{$1}')]?.[m.toLowerCase()];
        assert.ok(op, `${route} is in the API description`);
        return op.requestBody !== undefined;
      };
      assert.deepEqual(BODILESS.filter(declaresBody), [], 'writes excused here that declare a body');
      assert.deepEqual(
        withBody.filter((r) => !declaresBody(r)),
        [],
        'writes covered here that declare no body',
      );
    });

    for (const spec of BODY_ROUTES) {
      describe(spec.route, () => {
        const method = methodOf(spec.route);
        const url = () => urlOf(spec.route, spec.id?.());
        const limit = () => spec.bodyLimit ?? t.ctx.config.bodyLimitBytes;

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

        for (const c of [...generic, ...spec.cases]) {
          test(c.name, async () => {
            const role = c.role !== undefined ? c.role : spec.role;
            const body = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body;
            const raw = c.raw?.();
            await rejected(
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

    test('a NUL character in a text field is refused with 400, never stored or a 500', {}, async () => {
      await rejected(
        'POST /api/v1/customers with NUL',
        'officer',
        'POST',
        '/api/v1/customers',
        { body: { displayName: 'Tan\u0000Mei' } },
        { status: 400, code: 'request.invalid', fields: ['/body/displayName'] },
      );
    });

    // ---------------------------------------------------------------------------------------------
    // Path ids
    // ---------------------------------------------------------------------------------------------

    const ID_ROUTES: { route: string; role: Role; body?: () => unknown; query?: string; notFound: string }[] =
      [
        { route: 'GET /api/v1/kb/articles/:id', role: 'officer', notFound: 'kb_article.not_found' },
        { route: 'GET /api/v1/solutions/:id', role: 'officer', notFound: 'solution.not_found' },
        {
          route: 'POST /api/v1/solutions/:id/comments',
          role: 'officer',
          body: () => ({ body: 'x' }),
          notFound: 'solution.not_found',
        },
        {
          route: 'POST /api/v1/solutions/:id/agree',
          role: 'team_leader',
          body: () => ({ title: 'xyz', teamIds: [t.team.id] }),
          notFound: 'solution.not_found',
        },
        {
          route: 'POST /api/v1/solutions/:id/decline',
          role: 'team_leader',
          body: () => ({ note: 'x' }),
          notFound: 'solution.not_found',
        },
        {
          route: 'POST /api/v1/kb/articles/:id/disseminations',
          role: 'team_leader',
          body: () => ({ teamIds: [t.team.id] }),
          notFound: 'kb_article.not_found',
        },
        { route: 'GET /api/v1/disseminations/:id', role: 'team_leader', notFound: 'dissemination.not_found' },
        {
          route: 'POST /api/v1/disseminations/:id/remind',
          role: 'team_leader',
          notFound: 'dissemination.not_found',
        },
        {
          route: 'POST /api/v1/disseminations/:id/acknowledge',
          role: 'officer',
          notFound: 'dissemination.not_found',
        },
        {
          route: 'POST /api/v1/cases/:id/policy-flags',
          role: 'officer',
          body: () => ({ authorityId: t.users.supervisor.id, policy: 'x', customerNeed: 'y', evidence: 'z' }),
          notFound: 'case.not_found',
        },
        { route: 'GET /api/v1/policy-flags/:id', role: 'officer', notFound: 'policy_flag.not_found' },
        {
          route: 'POST /api/v1/policy-flags/:id/answer',
          role: 'team_leader',
          body: () => ({ answer: 'x' }),
          notFound: 'policy_flag.not_found',
        },
        {
          route: 'PATCH /api/v1/kb/articles/:id/draft',
          role: 'officer',
          body: () => ({ body: 'x' }),
          notFound: 'kb_article.not_found',
        },
        { route: 'POST /api/v1/kb/articles/:id/submit', role: 'officer', notFound: 'kb_article.not_found' },
        {
          route: 'POST /api/v1/kb/articles/:id/approve',
          role: 'team_leader',
          body: () => ({}),
          notFound: 'kb_article.not_found',
        },
        {
          route: 'POST /api/v1/kb/articles/:id/reject',
          role: 'team_leader',
          body: () => ({ note: 'x' }),
          notFound: 'kb_article.not_found',
        },
        {
          route: 'POST /api/v1/kb/articles/:id/archive',
          role: 'team_leader',
          notFound: 'kb_article.not_found',
        },
        { route: 'GET /api/v1/kb/articles/:id/versions', role: 'officer', notFound: 'kb_article.not_found' },
        {
          route: 'GET /api/v1/kb/articles/:id/diff',
          role: 'officer',
          query: 'from=1&to=2',
          notFound: 'kb_article.not_found',
        },
        {
          route: 'POST /api/v1/kb/articles/:id/usage',
          role: 'officer',
          body: () => ({ action: 'viewed' }),
          notFound: 'kb_article.not_found',
        },
        {
          route: 'POST /api/v1/kb/articles/:id/attachments',
          role: 'officer',
          body: () => ({ filename: 'a.txt', contentType: 'text/plain', dataBase64: 'aGk=' }),
          notFound: 'kb_article.not_found',
        },
        { route: 'GET /api/v1/kb/attachments/:id', role: 'officer', notFound: 'kb_attachment.not_found' },
        {
          route: 'GET /api/v1/public/kb/attachments/:id',
          role: 'officer',
          notFound: 'kb_attachment.not_found',
        },
        { route: 'GET /api/v1/templates/:id', role: 'officer', notFound: 'template.not_found' },
        {
          route: 'PATCH /api/v1/templates/:id',
          role: 'team_leader',
          body: () => ({ body: 'x' }),
          notFound: 'template.not_found',
        },
        {
          route: 'POST /api/v1/templates/:id/preview',
          role: 'officer',
          body: () => ({}),
          notFound: 'template.not_found',
        },
        { route: 'GET /api/v1/scripts/:id', role: 'officer', notFound: 'script.not_found' },
        {
          route: 'PATCH /api/v1/scripts/:id',
          role: 'team_leader',
          body: () => ({ description: 'x' }),
          notFound: 'script.not_found',
        },
        {
          route: 'POST /api/v1/scripts/:id/preview',
          role: 'officer',
          body: () => ({}),
          notFound: 'script.not_found',
        },
        { route: 'DELETE /api/v1/tokens/:id', role: 'administrator', notFound: 'token.not_found' },
        { route: 'GET /api/v1/users/:id', role: 'administrator', notFound: 'user.not_found' },
        {
          route: 'PATCH /api/v1/users/:id',
          role: 'administrator',
          body: () => ({ displayName: 'x' }),
          notFound: 'user.not_found',
        },
        { route: 'POST /api/v1/users/:id/unlock', role: 'administrator', notFound: 'user.not_found' },
        {
          route: 'POST /api/v1/users/:id/password',
          role: 'administrator',
          body: () => ({ password: 'a fresh passphrase' }),
          notFound: 'user.not_found',
        },
        { route: 'GET /api/v1/departments/:id', role: 'officer', notFound: 'department.not_found' },
        {
          route: 'PATCH /api/v1/departments/:id',
          role: 'supervisor',
          body: () => ({ hours: 'x' }),
          notFound: 'department.not_found',
        },
        { route: 'GET /api/v1/customers/:id', role: 'officer', notFound: 'customer.not_found' },
        {
          route: 'PATCH /api/v1/customers/:id',
          role: 'supervisor',
          body: () => ({ segment: 'x' }),
          notFound: 'customer.not_found',
        },
        {
          route: 'POST /api/v1/customers/:id/accounts',
          role: 'supervisor',
          body: () => ({ accountNumber: 'ZZ-0001' }),
          notFound: 'customer.not_found',
        },
        {
          route: 'PATCH /api/v1/accounts/:id',
          role: 'supervisor',
          body: () => ({ status: 'active', contactId: fx.verified.contact.id }),
          notFound: 'account.not_found',
        },
        { route: 'GET /api/v1/contacts/:id', role: 'officer', notFound: 'contact.not_found' },
        {
          route: 'PATCH /api/v1/contacts/:id',
          role: 'officer',
          body: () => ({ notes: 'x' }),
          notFound: 'contact.not_found',
        },
        {
          route: 'POST /api/v1/contacts/:id/verification',
          role: 'officer',
          body: () => ({ answers: [{ particular: 'name', value: 'Someone' }] }),
          notFound: 'contact.not_found',
        },
        {
          route: 'PUT /api/v1/contacts/:id/draft',
          role: 'officer',
          body: () => ({ data: {} }),
          notFound: 'contact.not_found',
        },
        { route: 'GET /api/v1/cases/:id', role: 'officer', notFound: 'case.not_found' },
        {
          route: 'PATCH /api/v1/cases/:id',
          role: 'officer',
          body: () => ({ priority: 'high' }),
          notFound: 'case.not_found',
        },
        {
          route: 'POST /api/v1/cases/:id/transitions',
          role: 'officer',
          body: () => ({ action: 'resume' }),
          notFound: 'case.not_found',
        },
        {
          route: 'POST /api/v1/cases/:id/notes',
          role: 'officer',
          body: () => ({ body: 'x', visibility: 'internal' }),
          notFound: 'case.not_found',
        },
        {
          route: 'POST /api/v1/cases/:id/referrals',
          role: 'officer',
          body: () => ({
            mode: 'signpost',
            partyName: 'Ombudsman',
            contactNumberGiven: '+65 6100 9000',
            reason: 'x',
          }),
          notFound: 'case.not_found',
        },
        {
          route: 'PATCH /api/v1/case-categories/:id',
          role: 'supervisor',
          body: () => ({ position: 1 }),
          notFound: 'category.not_found',
        },
        { route: 'GET /api/v1/calendars/:id', role: 'officer', notFound: 'calendar.not_found' },
        {
          route: 'PATCH /api/v1/sla-policies/:id',
          role: 'supervisor',
          body: () => ({ position: 3 }),
          notFound: 'sla_policy.not_found',
        },
        {
          route: 'PATCH /api/v1/calendars/:id',
          role: 'supervisor',
          body: () => ({ name: 'Renamed' }),
          notFound: 'calendar.not_found',
        },
        {
          route: 'POST /api/v1/calendars/:id/holidays',
          role: 'supervisor',
          body: () => ({ holidays: [{ date: '2026-12-25', name: 'Christmas Day' }] }),
          notFound: 'calendar.not_found',
        },
        {
          route: 'PATCH /api/v1/escalation-rules/:id',
          role: 'supervisor',
          body: () => ({ position: 1 }),
          notFound: 'escalation_rule.not_found',
        },
        {
          route: 'POST /api/v1/escalations/:id/acknowledge',
          role: 'team_leader',
          notFound: 'escalation.not_found',
        },
        { route: 'GET /api/v1/cases/:id/sla', role: 'officer', notFound: 'case.not_found' },
        { route: 'POST /api/v1/notifications/:id/read', role: 'officer', notFound: 'notification.not_found' },
        {
          route: 'POST /api/v1/cases/:id/commitments',
          role: 'officer',
          body: () => ({ dueAt: TOMORROW, method: 'call' }),
          notFound: 'case.not_found',
        },
        {
          route: 'PATCH /api/v1/commitments/:id',
          role: 'officer',
          body: () => ({ note: 'x' }),
          notFound: 'commitment.not_found',
        },
        { route: 'GET /api/v1/cases/:id/progress-update', role: 'officer', notFound: 'case.not_found' },
        {
          route: 'POST /api/v1/cases/:id/progress-updates',
          role: 'officer',
          body: () => ({ channel: 'email', body: 'x' }),
          notFound: 'case.not_found',
        },
      ];

    test('every route with a path id is covered here', () => {
      const withId = t.routes
        .filter((r) => r.url.includes(':id'))
        .map((r) => `${r.method} ${r.url}`)
        .sort();
      assert.deepEqual(ID_ROUTES.map((r) => r.route).sort(), withId);
    });

    for (const r of ID_ROUTES) {
      test(`${r.route}: a bad UUID → 400 naming /params/id`, async () => {
        await rejected(
          r.route,
          r.role,
          methodOf(r.route),
          `${urlOf(r.route, 'not-a-uuid')}${r.query ? `?${r.query}` : ''}`,
          { body: r.body?.() },
          { status: 400, code: 'request.invalid', fields: ['/params/id'] },
        );
      });
      test(`${r.route}: an unknown id → 404 ${r.notFound}`, async () => {
        await rejected(
          r.route,
          r.role,
          methodOf(r.route),
          `${urlOf(r.route, UNKNOWN)}${r.query ? `?${r.query}` : ''}`,
          { body: r.body?.() },
          { status: 404, code: r.notFound },
        );
      });
    }

    test("another user's notification is as good as missing → 404 notification.not_found", async () => {
      await rejected(
        "POST /api/v1/notifications/:id/read on the supervisor's notification",
        'officer',
        'POST',
        urlOf('POST /api/v1/notifications/:id/read', fx.supervisorNotificationId),
        {},
        { status: 404, code: 'notification.not_found' },
      );
    });

    test('acknowledging an escalation twice → 409 escalation.already_acknowledged', async () => {
      const { case: c } = await buildCase(t, { criticality: 'highly_critical', teamId: t.team.id });
      const e = await t.ctx.store.db
        .selectFrom('escalations')
        .select('id')
        .where('case_id', '=', c.id)
        .executeTakeFirstOrThrow();
      const url = urlOf('POST /api/v1/escalations/:id/acknowledge', e.id);
      const first = await t.call('team_leader', 'POST', url);
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.data.acknowledgedBy, t.users.team_leader.id);
      await rejected(
        'POST /api/v1/escalations/:id/acknowledge again',
        'supervisor',
        'POST',
        url,
        {},
        { status: 409, code: 'escalation.already_acknowledged' },
      );
    });

    test('an escalation named for a higher level → 403 escalation.not_yours for a team leader', async () => {
      // No team, no department: nobody leads it, so level 1 goes to the supervisors.
      const { case: c } = await buildCase(t, { criticality: 'highly_critical', teamId: null });
      const e = await t.ctx.store.db
        .selectFrom('escalations')
        .selectAll()
        .where('case_id', '=', c.id)
        .executeTakeFirstOrThrow();
      assert.equal(e.target_role, 'supervisor');
      await rejected(
        'POST /api/v1/escalations/:id/acknowledge by a team leader',
        'team_leader',
        'POST',
        urlOf('POST /api/v1/escalations/:id/acknowledge', e.id),
        {},
        { status: 403, code: 'escalation.not_yours' },
      );
    });

    test('the edges of the new ranges are accepted', async () => {
      const wrong: string[] = [];
      const expect = async (what: string, status: number, r: Promise<Res>) => {
        const got = await r;
        if (got.statusCode !== status) wrong.push(`${what}: ${got.statusCode} ${got.body.slice(0, 200)}`);
      };
      for (const offsetMinutes of [-10_080, 10_080])
        await expect(
          `offsetMinutes ${offsetMinutes}`,
          201,
          t.call(
            'supervisor',
            'POST',
            '/api/v1/escalation-rules',
            rule({ name: `Edge ${offsetMinutes}`, offsetMinutes }),
          ),
        );
      for (const urgentAckMinutes of [1, 1440])
        await expect(
          `urgentAckMinutes ${urgentAckMinutes}`,
          200,
          t.call('supervisor', 'PUT', '/api/v1/settings/sla', {
            urgentAckMinutes,
            progressUpdateTemplate: 'x'.repeat(2000),
          }),
        );
      for (const remindMinutes of [0, 1440])
        await expect(
          `remindMinutes ${remindMinutes}`,
          201,
          t.call('officer', 'POST', urlOf('POST /api/v1/cases/:id/commitments', fx.caseId), {
            dueAt: '2026-11-23T09:00:01.000Z',
            method: 'sms',
            remindMinutes,
          }),
        );
      assert.deepEqual(wrong, []);
    });

    test('malformed ids of every shape → 400 /params/id', async () => {
      for (const bad of [
        'nope',
        '123',
        UNKNOWN.slice(0, -1),
        `${UNKNOWN}0`,
        UNKNOWN.replaceAll('-', ''),
        `${UNKNOWN.slice(0, -1)}g`,
        "'; drop table cases; --",
        '\u0000',
        ' ',
      ]) {
        await rejected(
          `GET /api/v1/cases/${JSON.stringify(bad)}`,
          'officer',
          'GET',
          urlOf('GET /api/v1/cases/:id', bad),
          {},
          { status: 400, code: 'request.invalid', fields: ['/params/id'] },
        );
      }
    });

    test('an id in upper case names the same record (UUIDs are case-insensitive on input)', {}, async () => {
      const r = await t.call('officer', 'GET', `/api/v1/cases/${fx.caseId.toUpperCase()}`);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.id, fx.caseId);
    });

    // ---------------------------------------------------------------------------------------------
    // Query strings
    // ---------------------------------------------------------------------------------------------

    const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

    const QUERY_CASES: { name: string; role: Role; url: () => string; fields: string[] }[] = [];
    for (const list of ['/api/v1/cases', '/api/v1/contacts', '/api/v1/customers']) {
      QUERY_CASES.push(
        { name: `${list} limit=0`, role: 'officer', url: () => `${list}?limit=0`, fields: ['/query/limit'] },
        {
          name: `${list} limit=201`,
          role: 'officer',
          url: () => `${list}?limit=201`,
          fields: ['/query/limit'],
        },
        {
          name: `${list} limit=ten`,
          role: 'officer',
          url: () => `${list}?limit=ten`,
          fields: ['/query/limit'],
        },
        {
          name: `${list} limit=1.5`,
          role: 'officer',
          url: () => `${list}?limit=1.5`,
          fields: ['/query/limit'],
        },
        {
          name: `${list} limit twice`,
          role: 'officer',
          url: () => `${list}?limit=1&limit=2`,
          fields: ['/query/limit'],
        },
        {
          name: `${list} cursor=!!`,
          role: 'officer',
          url: () => `${list}?cursor=!!`,
          fields: ['/query/cursor'],
        },
        {
          name: `${list} cursor too long`,
          role: 'officer',
          url: () => `${list}?cursor=${'a'.repeat(201)}`,
          fields: ['/query/cursor'],
        },
        {
          name: `${list} cursor not one the server issued`,
          role: 'officer',
          url: () => `${list}?cursor=abc`,
          fields: ['/query/cursor'],
        },
        {
          name: `${list} cursor of the wrong arity`,
          role: 'officer',
          url: () => `${list}?cursor=${forged(['2026-11-23T09:00:00.000Z'])}`,
          fields: ['/query/cursor'],
        },
        {
          name: `${list} unknown parameter`,
          role: 'officer',
          url: () => `${list}?sort=name`,
          fields: ['/query/sort'],
        },
      );
    }
    QUERY_CASES.push(
      {
        name: '/api/v1/cases status with an empty item',
        role: 'officer',
        url: () => '/api/v1/cases?status=open,,new',
        fields: ['/query/status'],
      },
      {
        name: '/api/v1/cases unknown status',
        role: 'officer',
        url: () => '/api/v1/cases?status=opened',
        fields: ['/query/status'],
      },
      {
        name: '/api/v1/cases several bad filters at once',
        role: 'officer',
        url: () => '/api/v1/cases?type=rant&criticality=meh&assigneeId=me&teamId=1&limit=0',
        fields: ['/query/type', '/query/criticality', '/query/assigneeId', '/query/teamId', '/query/limit'],
      },
      {
        name: '/api/v1/contacts customerId not a UUID',
        role: 'officer',
        url: () => '/api/v1/contacts?customerId=x',
        fields: ['/query/customerId'],
      },
      {
        name: '/api/v1/customers empty q',
        role: 'officer',
        url: () => '/api/v1/customers?q=',
        fields: ['/query/q'],
      },
      {
        name: '/api/v1/customers q too long',
        role: 'officer',
        url: () => `/api/v1/customers?q=${'a'.repeat(201)}`,
        fields: ['/query/q'],
      },
      {
        name: '/api/v1/customers/:id contactId not a UUID',
        role: 'officer',
        url: () => `/api/v1/customers/${fx.customer.id}?contactId=nope`,
        fields: ['/query/contactId'],
      },
      {
        name: '/api/v1/customers/:id unknown parameter',
        role: 'officer',
        url: () => `/api/v1/customers/${fx.customer.id}?unmask=true`,
        fields: ['/query/unmask'],
      },
      {
        name: '/api/v1/case-categories includeInactive=yes',
        role: 'officer',
        url: () => '/api/v1/case-categories?includeInactive=yes',
        fields: ['/query/includeInactive'],
      },
      {
        name: '/api/v1/case-categories unknown parameter',
        role: 'officer',
        url: () => '/api/v1/case-categories?all=1',
        fields: ['/query/all'],
      },
      {
        name: '/api/v1/departments includeInactive=maybe',
        role: 'officer',
        url: () => '/api/v1/departments?includeInactive=maybe',
        fields: ['/query/includeInactive'],
      },
      {
        name: '/api/v1/departments q too long',
        role: 'officer',
        url: () => `/api/v1/departments?q=${'a'.repeat(101)}`,
        fields: ['/query/q'],
      },
    );

    QUERY_CASES.push(
      {
        name: '/api/v1/escalations caseId not a UUID, open=maybe',
        role: 'officer',
        url: () => '/api/v1/escalations?caseId=CS-000001&open=maybe',
        fields: ['/query/caseId', '/query/open'],
      },
      {
        name: '/api/v1/escalations unknown parameter',
        role: 'officer',
        url: () => '/api/v1/escalations?level=1',
        fields: ['/query/level'],
      },
      {
        name: '/api/v1/commitments unknown state, officerId not a UUID',
        role: 'officer',
        url: () => '/api/v1/commitments?state=done&officerId=me',
        fields: ['/query/state', '/query/officerId'],
      },
      {
        name: '/api/v1/commitments unknown parameter',
        role: 'officer',
        url: () => '/api/v1/commitments?overdue=true',
        fields: ['/query/overdue'],
      },
      {
        name: '/api/v1/notifications limit=0',
        role: 'officer',
        url: () => '/api/v1/notifications?limit=0',
        fields: ['/query/limit'],
      },
      {
        name: '/api/v1/notifications limit=201, unread=yes',
        role: 'officer',
        url: () => '/api/v1/notifications?limit=201&unread=yes',
        fields: ['/query/limit', '/query/unread'],
      },
      {
        name: '/api/v1/notifications unknown parameter',
        role: 'officer',
        url: () => '/api/v1/notifications?userId=x',
        fields: ['/query/userId'],
      },
    );

    QUERY_CASES.push(
      {
        name: '/api/v1/templates unknown kind, includeInactive=perhaps',
        role: 'officer',
        url: () => '/api/v1/templates?kind=letter&includeInactive=perhaps',
        fields: ['/query/kind', '/query/includeInactive'],
      },
      {
        name: '/api/v1/templates unknown parameter',
        role: 'officer',
        url: () => '/api/v1/templates?category=billing',
        fields: ['/query/category'],
      },
      {
        name: '/api/v1/scripts q too long',
        role: 'officer',
        url: () => `/api/v1/scripts?q=${'a'.repeat(101)}`,
        fields: ['/query/q'],
      },
    );

    for (const q of QUERY_CASES) {
      test(`query: ${q.name} → 400 naming ${q.fields.join(', ')}`, async () => {
        await rejected(
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

    test('query-string errors point into /query/… as errors.ts documents (and as the cursor check does)', {}, async () => {
      const wrong: string[] = [];
      for (const q of QUERY_CASES) {
        const r = await t.call(q.role, 'GET', q.url());
        const got = [
          ...new Set<string>((r.data?.errors ?? []).map((e: { field: string }) => e.field)),
        ].sort();
        if (JSON.stringify(got) !== JSON.stringify([...q.fields].sort()))
          wrong.push(`${q.name}: ${got.join(', ')}`);
      }
      assert.deepEqual(wrong, []);
    });

    test('limits at the edges of the range are accepted (1 and 200)', async () => {
      for (const list of ['/api/v1/cases', '/api/v1/contacts', '/api/v1/customers']) {
        for (const limit of [1, 200]) {
          const r = await t.call('officer', 'GET', `${list}?limit=${limit}`);
          assert.equal(r.statusCode, 200, `${list}?limit=${limit}: ${r.body}`);
          assert.ok(r.data.items.length <= limit);
        }
      }
    });

    test('a cursor the server issued pages on', async () => {
      for (const list of ['/api/v1/cases', '/api/v1/contacts', '/api/v1/customers']) {
        const first = await t.call('officer', 'GET', `${list}?limit=1`);
        assert.equal(first.statusCode, 200, first.body);
        assert.equal(typeof first.data.nextCursor, 'string', `${list} has more than one row`);
        const next = await t.call('officer', 'GET', `${list}?limit=1&cursor=${first.data.nextCursor}`);
        assert.equal(next.statusCode, 200, next.body);
        assert.notEqual(next.data.items[0]?.id, first.data.items[0].id);
      }
    });

    for (const list of ['/api/v1/cases', '/api/v1/contacts', '/api/v1/customers']) {
      test(`${list}: a well-formed cursor the server never issued → 400 /query/cursor`, {}, async () => {
        for (const parts of [
          ['x', 'y'],
          [1, 2],
          ['2026-11-23T09:00:00.000Z', 'not-a-uuid'],
        ]) {
          await rejected(
            `${list} cursor ${JSON.stringify(parts)}`,
            'officer',
            'GET',
            `${list}?cursor=${forged(parts)}`,
            {},
            { status: 400, code: 'request.invalid', fields: ['/query/cursor'] },
          );
        }
      });
    }

    test(
      'a NUL character in a search never breaks the query (200 or 400, not 500)',
      dialect === 'postgres' ? {} : {},
      async () => {
        for (const url of [
          '/api/v1/departments?q=%00',
          '/api/v1/customers?q=Tan%00Mei',
          '/api/v1/customers?q=12%003',
        ]) {
          const r = await t.call('officer', 'GET', url);
          assert.ok(r.statusCode === 200 || r.statusCode === 400, `${url}: ${r.statusCode} ${r.body}`);
          if (r.statusCode === 400)
            assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
        }
      },
    );
  });
}
