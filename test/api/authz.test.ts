import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import type { Role } from '../../src/shared/contracts/people.ts';
import { fixedClock, makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import {
  buildCase,
  buildContact,
  buildCustomer,
  buildSla,
  buildVerifiedContact,
} from '../helpers/factories.ts';

/**
 * The EXPECTED authorization matrix, written by hand from what a contact centre needs. It is
 * deliberately NOT derived from ROLE_PERMISSIONS: a wrong grant or a missing check in the code
 * must disagree with this table.
 *
 *   public        anyone may call it, with or without credentials
 *   Y / .         allowed / refused (403 auth.forbidden) for the role in that column
 *
 * Every non-public route answers 401 auth.unauthenticated to a caller without credentials.
 *
 * Reasoning in brief: frontline staff (officer, trainee, team leader) and supervisors handle
 * customers, contacts and cases; a trainee does not change accounts; a trainer assesses against
 * real records, read-only; team leaders, supervisors and trainers see the staff list; supervisors
 * run the referral directory, teams, case categories and the verification policy; user accounts
 * and API tokens belong to the administrator, who may do everything. Service levels: everyone
 * reads the calendars, policies, escalation rules and SLA settings they are measured by, and sees
 * escalations and a case's clocks; supervisors set them. An urgent escalation is acknowledged by
 * the action party's team leader or anyone above (supervisor, administrator), never by an officer,
 * trainee or trainer. Follow-up commitments and progress updates are frontline work like notes.
 * Notifications and the live stream are each signed-in user's own, so every role has them.
 * Knowledge: everyone reads published articles; all but trainers record that one helped; frontline
 * writers (officer, team leader, supervisor) draft and submit; team leaders and supervisors approve,
 * reject and archive; synonyms, import and export belong to supervisors. Trainees and trainers
 * read. Public help (published public articles) needs no login. Agreed solutions: writers propose,
 * everyone but the trainer discusses (a trainer changes nothing), team leaders and supervisors
 * agree or decline and send articles to teams to acknowledge (and see who has not); everyone
 * acknowledges their own reading. Anyone handling a case may raise a policy inconsistency on it;
 * only leaders can be the named authority who answers.
 */
const MATRIX = `
  method route                                   off trn tl  sup trr adm
  GET    /api/v1/health                          public
  GET    /api/v1/openapi.json                    public
  POST   /api/v1/auth/login                      public
  GET    /api/v1/auth/session                    Y   Y   Y   Y   Y   Y
  POST   /api/v1/auth/logout                     Y   Y   Y   Y   Y   Y
  POST   /api/v1/tokens                          .   .   .   .   .   Y
  GET    /api/v1/tokens                          .   .   .   .   .   Y
  DELETE /api/v1/tokens/:id                      .   .   .   .   .   Y
  GET    /api/v1/users                           .   .   Y   Y   Y   Y
  POST   /api/v1/users                           .   .   .   .   .   Y
  GET    /api/v1/users/:id                       .   .   Y   Y   Y   Y
  PATCH  /api/v1/users/:id                       .   .   .   .   .   Y
  POST   /api/v1/users/:id/unlock                .   .   .   .   .   Y
  POST   /api/v1/users/:id/password              .   .   .   .   .   Y
  GET    /api/v1/teams                           Y   Y   Y   Y   Y   Y
  POST   /api/v1/teams                           .   .   .   Y   .   Y
  GET    /api/v1/departments                     Y   Y   Y   Y   Y   Y
  GET    /api/v1/departments/:id                 Y   Y   Y   Y   Y   Y
  POST   /api/v1/departments                     .   .   .   Y   .   Y
  PATCH  /api/v1/departments/:id                 .   .   .   Y   .   Y
  GET    /api/v1/customers                       Y   Y   Y   Y   Y   Y
  POST   /api/v1/customers                       Y   Y   Y   Y   .   Y
  GET    /api/v1/customers/:id                   Y   Y   Y   Y   Y   Y
  PATCH  /api/v1/customers/:id                   Y   Y   Y   Y   .   Y
  POST   /api/v1/customers/:id/accounts          Y   .   Y   Y   .   Y
  PATCH  /api/v1/accounts/:id                    Y   .   Y   Y   .   Y
  GET    /api/v1/contacts                        Y   Y   Y   Y   Y   Y
  POST   /api/v1/contacts                        Y   Y   Y   Y   .   Y
  GET    /api/v1/contacts/:id                    Y   Y   Y   Y   Y   Y
  PATCH  /api/v1/contacts/:id                    Y   Y   Y   Y   .   Y
  POST   /api/v1/contacts/:id/verification       Y   Y   Y   Y   .   Y
  GET    /api/v1/contacts/current                Y   Y   Y   Y   .   Y
  PUT    /api/v1/contacts/:id/draft              Y   Y   Y   Y   .   Y
  GET    /api/v1/settings/verification-policy    Y   Y   Y   Y   Y   Y
  PUT    /api/v1/settings/verification-policy    .   .   .   Y   .   Y
  GET    /api/v1/settings/phrases                Y   Y   Y   Y   Y   Y
  PUT    /api/v1/settings/phrases                .   .   .   Y   .   Y
  GET    /api/v1/cases                           Y   Y   Y   Y   Y   Y
  GET    /api/v1/cases/counts                    Y   Y   Y   Y   Y   Y
  POST   /api/v1/cases                           Y   Y   Y   Y   .   Y
  GET    /api/v1/cases/:id                       Y   Y   Y   Y   Y   Y
  PATCH  /api/v1/cases/:id                       Y   Y   Y   Y   .   Y
  POST   /api/v1/cases/:id/transitions           Y   Y   Y   Y   .   Y
  POST   /api/v1/cases/:id/notes                 Y   Y   Y   Y   .   Y
  POST   /api/v1/cases/:id/referrals             Y   Y   Y   Y   .   Y
  GET    /api/v1/case-categories                 Y   Y   Y   Y   Y   Y
  POST   /api/v1/case-categories                 .   .   .   Y   .   Y
  PATCH  /api/v1/case-categories/:id             .   .   .   Y   .   Y
  GET    /api/v1/calendars                       Y   Y   Y   Y   Y   Y
  POST   /api/v1/calendars                       .   .   .   Y   .   Y
  GET    /api/v1/calendars/:id                   Y   Y   Y   Y   Y   Y
  PATCH  /api/v1/calendars/:id                   .   .   .   Y   .   Y
  POST   /api/v1/calendars/:id/holidays          .   .   .   Y   .   Y
  GET    /api/v1/sla-policies                    Y   Y   Y   Y   Y   Y
  POST   /api/v1/sla-policies                    .   .   .   Y   .   Y
  PATCH  /api/v1/sla-policies/:id                .   .   .   Y   .   Y
  GET    /api/v1/escalation-rules                Y   Y   Y   Y   Y   Y
  POST   /api/v1/escalation-rules                .   .   .   Y   .   Y
  PATCH  /api/v1/escalation-rules/:id            .   .   .   Y   .   Y
  GET    /api/v1/escalations                     Y   Y   Y   Y   Y   Y
  POST   /api/v1/escalations/:id/acknowledge     .   .   Y   Y   .   Y
  GET    /api/v1/settings/sla                    Y   Y   Y   Y   Y   Y
  PUT    /api/v1/settings/sla                    .   .   .   Y   .   Y
  GET    /api/v1/cases/:id/sla                   Y   Y   Y   Y   Y   Y
  GET    /api/v1/notifications                   Y   Y   Y   Y   Y   Y
  POST   /api/v1/notifications/:id/read          Y   Y   Y   Y   Y   Y
  POST   /api/v1/notifications/read-all          Y   Y   Y   Y   Y   Y
  GET    /api/v1/stream                          Y   Y   Y   Y   Y   Y
  POST   /api/v1/cases/:id/commitments           Y   Y   Y   Y   .   Y
  GET    /api/v1/commitments                     Y   Y   Y   Y   Y   Y
  PATCH  /api/v1/commitments/:id                 Y   Y   Y   Y   .   Y
  GET    /api/v1/cases/:id/progress-update       Y   Y   Y   Y   Y   Y
  POST   /api/v1/cases/:id/progress-updates      Y   Y   Y   Y   .   Y
  GET    /api/v1/kb/search                       Y   Y   Y   Y   Y   Y
  GET    /api/v1/kb/articles                     Y   Y   Y   Y   Y   Y
  POST   /api/v1/kb/articles                     Y   .   Y   Y   .   Y
  GET    /api/v1/kb/articles/:id                 Y   Y   Y   Y   Y   Y
  POST   /api/v1/kb/preview                      Y   .   Y   Y   .   Y
  PATCH  /api/v1/kb/articles/:id/draft           Y   .   Y   Y   .   Y
  POST   /api/v1/kb/articles/:id/submit          Y   .   Y   Y   .   Y
  POST   /api/v1/kb/articles/:id/approve         .   .   Y   Y   .   Y
  POST   /api/v1/kb/articles/:id/reject          .   .   Y   Y   .   Y
  POST   /api/v1/kb/articles/:id/archive         .   .   Y   Y   .   Y
  GET    /api/v1/kb/articles/:id/versions        Y   .   Y   Y   .   Y
  GET    /api/v1/kb/articles/:id/diff            Y   .   Y   Y   .   Y
  POST   /api/v1/kb/articles/:id/usage           Y   Y   Y   Y   .   Y
  GET    /api/v1/kb/usage                        .   .   Y   Y   .   Y
  POST   /api/v1/kb/articles/:id/attachments     Y   .   Y   Y   .   Y
  GET    /api/v1/kb/attachments/:id              Y   Y   Y   Y   Y   Y
  GET    /api/v1/kb/synonyms                     Y   Y   Y   Y   Y   Y
  PUT    /api/v1/kb/synonyms                     .   .   .   Y   .   Y
  POST   /api/v1/kb/import                       .   .   .   Y   .   Y
  GET    /api/v1/kb/export                       .   .   .   Y   .   Y
  POST   /api/v1/solutions                       Y   .   Y   Y   .   Y
  GET    /api/v1/solutions                       Y   Y   Y   Y   Y   Y
  GET    /api/v1/solutions/:id                   Y   Y   Y   Y   Y   Y
  POST   /api/v1/solutions/:id/comments          Y   Y   Y   Y   .   Y
  POST   /api/v1/solutions/:id/agree             .   .   Y   Y   .   Y
  POST   /api/v1/solutions/:id/decline           .   .   Y   Y   .   Y
  POST   /api/v1/kb/articles/:id/disseminations  .   .   Y   Y   .   Y
  GET    /api/v1/disseminations                  .   .   Y   Y   .   Y
  GET    /api/v1/disseminations/:id              .   .   Y   Y   .   Y
  POST   /api/v1/disseminations/:id/remind       .   .   Y   Y   .   Y
  GET    /api/v1/readings                        Y   Y   Y   Y   Y   Y
  POST   /api/v1/disseminations/:id/acknowledge  Y   Y   Y   Y   Y   Y
  POST   /api/v1/cases/:id/policy-flags          Y   Y   Y   Y   .   Y
  GET    /api/v1/policy-flags                    Y   Y   Y   Y   Y   Y
  GET    /api/v1/policy-flags/authorities        Y   Y   Y   Y   .   Y
  GET    /api/v1/policy-flags/:id                Y   Y   Y   Y   Y   Y
  POST   /api/v1/policy-flags/:id/answer         .   .   Y   Y   .   Y
  GET    /api/v1/template-variables              Y   Y   Y   Y   Y   Y
  GET    /api/v1/templates                       Y   Y   Y   Y   Y   Y
  POST   /api/v1/templates                       .   .   Y   Y   .   Y
  GET    /api/v1/templates/:id                   Y   Y   Y   Y   Y   Y
  PATCH  /api/v1/templates/:id                   .   .   Y   Y   .   Y
  POST   /api/v1/templates/:id/preview           Y   Y   Y   Y   Y   Y
  GET    /api/v1/scripts                         Y   Y   Y   Y   Y   Y
  POST   /api/v1/scripts                         .   .   Y   Y   .   Y
  GET    /api/v1/scripts/:id                     Y   Y   Y   Y   Y   Y
  PATCH  /api/v1/scripts/:id                     .   .   Y   Y   .   Y
  POST   /api/v1/scripts/:id/preview             Y   Y   Y   Y   Y   Y
  GET    /api/v1/public/kb/search                public
  GET    /api/v1/public/kb/articles/:slug        public
  GET    /api/v1/public/kb/attachments/:id       public
`;

/** Column order of the grid above. */
const COLUMNS: readonly Role[] = [
  'officer',
  'trainee',
  'team_leader',
  'supervisor',
  'trainer',
  'administrator',
];
type Caller = Role | null;
const CALLERS: readonly Caller[] = [null, ...COLUMNS];
const label = (c: Caller) => c ?? 'no credentials';

interface Expectation {
  public: boolean;
  allowed: ReadonlySet<Role>;
}

function parseMatrix(text: string): Map<string, Expectation> {
  const out = new Map<string, Expectation>();
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const line of lines.slice(1)) {
    const [method, url, ...cells] = line.split(/\s+/);
    if (!method || !url) throw new Error(`matrix line without a route: ${line}`);
    const key = `${method} ${url}`;
    if (out.has(key)) throw new Error(`matrix names ${key} twice`);
    if (cells.length === 1 && cells[0] === 'public') {
      out.set(key, { public: true, allowed: new Set(COLUMNS) });
      continue;
    }
    if (cells.length !== COLUMNS.length || cells.some((c) => c !== 'Y' && c !== '.')) {
      throw new Error(`matrix line needs ${COLUMNS.length} cells of Y or .: ${line}`);
    }
    out.set(key, { public: false, allowed: new Set(COLUMNS.filter((_, i) => cells[i] === 'Y')) });
  }
  return out;
}

const EXPECTED = parseMatrix(MATRIX);

/** A response with its body parsed, as the helpers' call() gives it. */
type Res = Awaited<ReturnType<TestApp['call']>>;

/** What one matrix cell sends: the path id, a body and headers. */
interface Req {
  id?: string;
  /** Query string, without the '?'. */
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The problem an allowed caller gets instead of a 2xx, for a route that never answers 2xx to inject(). */
  allowedAnswer?: { status: number; code: string };
}

const count = async (t: TestApp, table: 'audit_log' | 'outbox' | 'sessions') =>
  Number(
    (
      await t.ctx.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const isProblem = (r: Res, status: number, code: string) =>
  r.statusCode === status &&
  String(r.headers['content-type']).startsWith('application/problem+json') &&
  r.data?.status === status &&
  r.data?.code === code &&
  typeof r.data?.title === 'string';

describe('authorization matrix (sqlite: the HTTP layer is the same on both databases)', () => {
  let t: TestApp;
  let n = 0;
  const next = () => ++n;
  let fx: {
    customer: Awaited<ReturnType<typeof buildCustomer>>;
    verified: Awaited<ReturnType<typeof buildVerifiedContact>>;
    contact: Awaited<ReturnType<typeof buildContact>>;
    caseId: string;
    categoryId: string;
    spareUserId: string;
    calendarId: string;
    policyId: string;
    slaCaseId: string;
    ruleId: string;
    commitmentId: string;
    templateId: string;
    scriptId: string;
    article: { id: string; slug: string };
    solutionId: string;
    disseminationId: string;
    flagId: string;
    attachmentId: string;
  };
  /** An article in the given state, for each write that moves one along. */
  const article = async (state: 'draft' | 'in_review' | 'published') => {
    const a = await t.services.knowledge.create(SYSTEM_ACTOR, {
      title: `Matrix article ${next()}`,
      body: 'How to do the thing.',
      kind: 'faq',
      audience: 'public',
    });
    if (state !== 'draft') await t.services.knowledge.submit(SYSTEM_ACTOR, a.id);
    if (state === 'published') await t.services.knowledge.approve(SYSTEM_ACTOR, a.id);
    return a;
  };

  const proposed = () =>
    t.services.solutions.propose(t.users.officer.actor, {
      problem: `Problem ${next()}`,
      solution: 'Do this',
    });

  before(async () => {
    t = await makeTestApp('sqlite');
    const customer = await buildCustomer(t);
    const verified = await buildVerifiedContact(t);
    const contact = await buildContact(t, customer.id);
    const { case: c } = await buildCase(t);
    const category = await t.services.categories.create(SYSTEM_ACTOR, { name: 'Billing' });
    const spare = await t.services.people.createUser(SYSTEM_ACTOR, {
      username: 'spare',
      displayName: 'Spare user',
      role: 'officer',
      password: TEST_PASSWORD,
    });
    const sla = await buildSla(t);
    // Opened under the catch-all policy, so it has running clocks to show.
    const { case: timed } = await buildCase(t);
    const rule = await t.services.escalations.createRule(SYSTEM_ACTOR, {
      name: 'Warn before breach',
      position: 1,
      clock: 'resolution',
      offsetMinutes: -60,
      actions: { notify: ['assignee', 'team_leader'] },
    });
    const commitment = await t.services.commitments.create(t.users.officer.actor, c.id, {
      dueAt: '2026-12-01T09:00:00.000Z',
      method: 'call',
    });
    const published = await t.services.knowledge.create(SYSTEM_ACTOR, {
      title: 'Roaming charges explained',
      body: 'Roaming is charged per day.',
      kind: 'faq',
      audience: 'public',
    });
    // Attached before approval: files go through review with their version, and this one is published.
    const attachment = await t.services.knowledge.addAttachment(SYSTEM_ACTOR, published.id, {
      filename: 'rates.txt',
      contentType: 'text/plain',
      dataBase64: Buffer.from('rates').toString('base64'),
    });
    await t.services.knowledge.submit(SYSTEM_ACTOR, published.id);
    await t.services.knowledge.approve(SYSTEM_ACTOR, published.id);
    await t.services.knowledge.editDraft(SYSTEM_ACTOR, published.id, {
      body: 'Roaming is charged per day, capped.',
    });
    const solution = await t.services.solutions.propose(t.users.officer.actor, {
      caseId: c.id,
      problem: 'Bills arrive late',
      solution: 'Offer e-bills',
    });
    // Sent by the system to Team A, which every test user is in: everyone has it to acknowledge.
    const dissemination = await t.services.disseminations.create(SYSTEM_ACTOR, published.id, {
      teamIds: [t.team.id],
    });
    const flag = await t.services.policyFlags.raise(t.users.officer.actor, c.id, {
      authorityId: t.users.supervisor.id,
      policy: 'No refunds after 14 days',
      customerNeed: 'Was abroad',
      evidence: 'Boarding passes',
    });
    const template = await t.services.templates.create(SYSTEM_ACTOR, {
      kind: 'email',
      name: 'Matrix e-mail',
      subject: 'Your case {{case.reference}}',
      body: 'Dear {{customer.name}}, we are on it.',
    });
    const script = await t.services.scripts.create(SYSTEM_ACTOR, {
      name: 'Matrix script',
      steps: [
        { id: 'greet', title: 'Greet', text: 'Hello {{customer.name}}', next: 'close' },
        { id: 'close', title: 'Close', text: 'Goodbye' },
      ],
    });
    fx = {
      templateId: template.id,
      scriptId: script.id,
      solutionId: solution.id,
      disseminationId: dissemination.id,
      flagId: flag.id,
      article: { id: published.id, slug: published.slug },
      attachmentId: attachment.id,
      customer,
      verified,
      contact,
      caseId: c.id,
      categoryId: category.id,
      spareUserId: spare.id,
      calendarId: sla.calendar.id,
      policyId: sla.policy.id,
      slaCaseId: timed.id,
      ruleId: rule.id,
      commitmentId: commitment.id,
    };
  });
  after(() => t?.close());

  /** One request per route; called once per caller, so writes get fresh fixtures and unique names. */
  const actorFor = (role: Caller) => t.users[role ?? 'officer'].actor;
  const contactOf = (role: Caller) => buildContact(t, fx.customer.id, actorFor(role));
  const verifiedBy = (role: Caller) => buildVerifiedContact(t, actorFor(role));
  const REQUESTS: Record<string, (role: Caller) => Promise<Req> | Req> = {
    'GET /api/v1/health': () => ({}),
    'GET /api/v1/openapi.json': () => ({}),
    'POST /api/v1/auth/login': () => ({ body: { username: 'officer', password: TEST_PASSWORD } }),
    'GET /api/v1/auth/session': () => ({}),
    'POST /api/v1/auth/logout': () => ({}),
    'POST /api/v1/tokens': () => ({ body: { name: `matrix ${next()}` } }),
    'GET /api/v1/tokens': () => ({}),
    'DELETE /api/v1/tokens/:id': async (role) => {
      // A token of the caller's own, so a (wrongly) allowed non-administrator could revoke it too.
      const { row } = await t.services.auth.createToken(SYSTEM_ACTOR, {
        name: `to revoke ${next()}`,
        userId: t.users[role ?? 'officer'].id,
      });
      return { id: row.id };
    },
    'GET /api/v1/users': () => ({}),
    'POST /api/v1/users': () => ({
      body: {
        username: `matrix${next()}`,
        displayName: 'Matrix user',
        role: 'officer',
        password: TEST_PASSWORD,
      },
    }),
    'GET /api/v1/users/:id': () => ({ id: t.users.officer.id }),
    'PATCH /api/v1/users/:id': () => ({ id: fx.spareUserId, body: { displayName: `Spare ${next()}` } }),
    'POST /api/v1/users/:id/unlock': () => ({ id: fx.spareUserId }),
    'POST /api/v1/users/:id/password': () => ({
      id: fx.spareUserId,
      body: { password: `a fresh passphrase ${next()}` },
    }),
    'GET /api/v1/teams': () => ({}),
    'POST /api/v1/teams': () => ({ body: { name: `Matrix team ${next()}` } }),
    'GET /api/v1/departments': () => ({}),
    'GET /api/v1/departments/:id': () => ({ id: t.department.id }),
    'POST /api/v1/departments': () => ({ body: { name: `Matrix department ${next()}`, purpose: 'Testing' } }),
    'PATCH /api/v1/departments/:id': () => ({ id: t.department.id, body: { hours: `Mon–Fri ${next()}` } }),
    'GET /api/v1/customers': () => ({}),
    'POST /api/v1/customers': () => ({ body: { displayName: `Matrix Customer ${next()}` } }),
    'GET /api/v1/customers/:id': () => ({ id: fx.customer.id }),
    // The masked frontline roles need a contact of their own on which the customer passed verification.
    'PATCH /api/v1/customers/:id': async (role) => {
      const v = await verifiedBy(role);
      return { id: v.customer.id, body: { segment: `s${next()}`, contactId: v.contact.id } };
    },
    'POST /api/v1/customers/:id/accounts': async (role) => {
      const v = await verifiedBy(role);
      return { id: v.customer.id, body: { accountNumber: `MX${100000 + next()}`, contactId: v.contact.id } };
    },
    'PATCH /api/v1/accounts/:id': async (role) => {
      const v = await verifiedBy(role);
      return {
        id: v.customer.account.id,
        body: { billingAddress: `${next()} Matrix Road`, contactId: v.contact.id },
      };
    },
    'GET /api/v1/contacts': () => ({}),
    'POST /api/v1/contacts': () => ({ body: { channel: 'phone', direction: 'inbound' } }),
    'GET /api/v1/contacts/current': () => ({}),
    'GET /api/v1/contacts/:id': () => ({ id: fx.contact.id }),
    // A contact is changed only by the officer handling it: each caller gets one of their own.
    'PATCH /api/v1/contacts/:id': async (role) => ({
      id: (await contactOf(role)).id,
      body: { notes: `note ${next()}` },
    }),
    'PUT /api/v1/contacts/:id/draft': async (role) => ({
      id: (await contactOf(role)).id,
      body: { data: { enquiry: `draft ${next()}` } },
    }),
    'POST /api/v1/contacts/:id/verification': async (role) => ({
      id: (await contactOf(role)).id,
      body: { answers: [{ particular: 'name', value: fx.customer.said.name }] },
    }),
    'GET /api/v1/settings/verification-policy': () => ({}),
    'PUT /api/v1/settings/verification-policy': () => ({
      body: {
        required: ['name'],
        anyOf: ['id_number', 'account_number', 'service_number', 'date_of_birth'],
        anyOfCount: 1,
      },
    }),
    'GET /api/v1/settings/phrases': () => ({}),
    'PUT /api/v1/settings/phrases': () => ({
      body: { greeting: 'Good morning, {officer} speaking.', closing: 'Thank you for calling.' },
    }),
    'GET /api/v1/cases': () => ({}),
    'GET /api/v1/cases/counts': () => ({}),
    'POST /api/v1/cases': () => ({
      body: { contactId: fx.contact.id, type: 'general_enquiry', subject: 'Matrix' },
    }),
    'GET /api/v1/cases/:id': () => ({ id: fx.caseId }),
    'PATCH /api/v1/cases/:id': () => ({ id: fx.caseId, body: { description: `Matrix ${next()}` } }),
    'POST /api/v1/cases/:id/transitions': async () => {
      const { case: c } = await buildCase(t); // open: may await the customer
      return { id: c.id, body: { action: 'await_customer' } };
    },
    'POST /api/v1/cases/:id/notes': () => ({
      id: fx.caseId,
      body: { body: 'Called back', visibility: 'internal' },
    }),
    'POST /api/v1/cases/:id/referrals': () => ({
      id: fx.caseId,
      body: { mode: 'signpost', departmentId: t.department.id, reason: 'Billing dispute' },
    }),
    'GET /api/v1/case-categories': () => ({}),
    'POST /api/v1/case-categories': () => ({ body: { name: `Matrix category ${next()}` } }),
    'PATCH /api/v1/case-categories/:id': () => ({ id: fx.categoryId, body: { position: next() } }),
    'GET /api/v1/calendars': () => ({}),
    'GET /api/v1/sla-policies': () => ({}),
    'POST /api/v1/sla-policies': () => ({
      body: {
        name: `Matrix ${next()}`,
        position: 5,
        calendarId: fx.calendarId,
        conditions: {},
        resolutionMinutes: 60,
      },
    }),
    'PATCH /api/v1/sla-policies/:id': () => ({ id: fx.policyId, body: { position: next() } }),
    'POST /api/v1/calendars': () => ({
      body: { name: `Matrix ${next()}`, timeZone: 'UTC', hours: { '1': [['09:00', '17:00']] } },
    }),
    'GET /api/v1/calendars/:id': () => ({ id: fx.calendarId }),
    'PATCH /api/v1/calendars/:id': () => ({
      id: fx.calendarId,
      body: { hours: { '2': [['09:00', `1${next() % 8}:00`]] } },
    }),
    'POST /api/v1/calendars/:id/holidays': () => ({
      id: fx.calendarId,
      body: { holidays: [{ date: '2026-12-25', name: 'Christmas Day' }] },
    }),
    'GET /api/v1/escalation-rules': () => ({}),
    'POST /api/v1/escalation-rules': () => ({
      body: {
        name: `Matrix rule ${next()}`,
        position: 5,
        clock: 'resolution',
        offsetMinutes: 30,
        actions: { notify: ['supervisor'], raisePriority: 'urgent', email: true },
      },
    }),
    'PATCH /api/v1/escalation-rules/:id': () => ({ id: fx.ruleId, body: { position: next() } }),
    'GET /api/v1/escalations': () => ({}),
    'POST /api/v1/escalations/:id/acknowledge': async () => {
      // A fresh highly critical case in Team A: its level-1 escalation names Team A's team leader.
      const { case: c } = await buildCase(t, { criticality: 'highly_critical', teamId: t.team.id });
      const e = await t.ctx.store.db
        .selectFrom('escalations')
        .select('id')
        .where('case_id', '=', c.id)
        .executeTakeFirstOrThrow();
      return { id: e.id };
    },
    'GET /api/v1/settings/sla': () => ({}),
    'PUT /api/v1/settings/sla': () => ({
      body: {
        urgentAckMinutes: 10 + (next() % 20),
        progressUpdateTemplate: 'Dear {customerName}, we are still working on {caseReference}.',
      },
    }),
    'GET /api/v1/cases/:id/sla': () => ({ id: fx.slaCaseId }),
    'GET /api/v1/notifications': () => ({}),
    'POST /api/v1/notifications/:id/read': async (role) => {
      // A notification of the caller's own: anyone's is theirs to read.
      const [id] = await t.services.notifications.notify(t.ctx.store.db, {
        userIds: [t.users[role ?? 'officer'].id],
        kind: 'test',
        title: `Matrix ${next()}`,
        body: 'For the matrix',
      });
      return { id: id! };
    },
    'POST /api/v1/notifications/read-all': () => ({}),
    'GET /api/v1/stream': () => ({
      allowedAnswer: { status: 426, code: 'request.upgrade_required' },
    }),
    'POST /api/v1/cases/:id/commitments': () => ({
      id: fx.caseId,
      body: { dueAt: '2026-11-24T17:00:00.000Z', method: 'call', note: `Matrix ${next()}` },
    }),
    'GET /api/v1/commitments': () => ({}),
    'PATCH /api/v1/commitments/:id': () => ({ id: fx.commitmentId, body: { note: `Matrix ${next()}` } }),
    'GET /api/v1/cases/:id/progress-update': () => ({ id: fx.slaCaseId }),
    'POST /api/v1/cases/:id/progress-updates': () => ({
      id: fx.slaCaseId,
      body: { channel: 'email', body: 'We are still working on your case.' },
    }),
    'GET /api/v1/kb/search': () => ({ query: 'q=roaming' }),
    'GET /api/v1/kb/articles': () => ({}),
    'POST /api/v1/kb/articles': () => ({
      body: { title: `Matrix article ${next()}`, body: 'Steps.', kind: 'sop' },
    }),
    'GET /api/v1/kb/articles/:id': () => ({ id: fx.article.id }),
    'POST /api/v1/kb/preview': () => ({ body: { body: '# Heading' } }),
    'PATCH /api/v1/kb/articles/:id/draft': () => ({
      id: fx.article.id,
      body: { changeNote: `Matrix ${next()}` },
    }),
    'POST /api/v1/kb/articles/:id/submit': async () => ({ id: (await article('draft')).id }),
    'POST /api/v1/kb/articles/:id/approve': async () => ({ id: (await article('in_review')).id, body: {} }),
    'POST /api/v1/kb/articles/:id/reject': async () => ({
      id: (await article('in_review')).id,
      body: { note: 'Please add the fee' },
    }),
    'POST /api/v1/kb/articles/:id/archive': async () => ({ id: (await article('published')).id }),
    'GET /api/v1/kb/articles/:id/versions': () => ({ id: fx.article.id }),
    'GET /api/v1/kb/articles/:id/diff': () => ({ id: fx.article.id, query: 'from=1&to=2' }),
    'POST /api/v1/kb/articles/:id/usage': () => ({
      id: fx.article.id,
      body: { action: 'linked', caseId: fx.caseId },
    }),
    'GET /api/v1/kb/usage': () => ({}),
    'POST /api/v1/kb/articles/:id/attachments': () => ({
      id: fx.article.id,
      body: { filename: `f${next()}.txt`, contentType: 'text/plain', dataBase64: 'aGVsbG8=' },
    }),
    'GET /api/v1/kb/attachments/:id': () => ({ id: fx.attachmentId }),
    'GET /api/v1/kb/synonyms': () => ({}),
    'PUT /api/v1/kb/synonyms': () => ({ body: { groups: [['bill', 'invoice', `statement${next()}`]] } }),
    'POST /api/v1/kb/import': () => ({
      body: {
        files: [
          { name: `m${next()}.md`, content: `---\ntitle: Matrix import ${next()}\nkind: faq\n---\nBody` },
        ],
      },
    }),
    'GET /api/v1/kb/export': () => ({}),
    'POST /api/v1/solutions': () => ({ body: { problem: `Problem ${next()}`, solution: 'Do this' } }),
    'GET /api/v1/solutions': () => ({}),
    'GET /api/v1/solutions/:id': () => ({ id: fx.solutionId }),
    'POST /api/v1/solutions/:id/comments': () => ({ id: fx.solutionId, body: { body: `Comment ${next()}` } }),
    'POST /api/v1/solutions/:id/agree': async () => ({
      id: (await proposed()).id,
      body: { title: `Agreed ${next()}`, teamIds: [t.team.id] },
    }),
    'POST /api/v1/solutions/:id/decline': async () => ({
      id: (await proposed()).id,
      body: { note: 'Not consistent with policy' },
    }),
    'POST /api/v1/kb/articles/:id/disseminations': () => ({
      id: fx.article.id,
      body: { teamIds: [t.team.id] },
    }),
    'GET /api/v1/disseminations': () => ({}),
    'GET /api/v1/disseminations/:id': () => ({ id: fx.disseminationId }),
    'POST /api/v1/disseminations/:id/remind': () => ({ id: fx.disseminationId }),
    'GET /api/v1/readings': () => ({}),
    'POST /api/v1/disseminations/:id/acknowledge': () => ({ id: fx.disseminationId }),
    'POST /api/v1/cases/:id/policy-flags': (role) => ({
      id: fx.caseId,
      body: {
        // Never oneself: the supervisor raises to the administrator, everyone else to the supervisor.
        authorityId: role === 'supervisor' ? t.users.administrator.id : t.users.supervisor.id,
        policy: `Policy ${next()}`,
        customerNeed: 'Needs more time',
        evidence: 'Call notes',
      },
    }),
    'GET /api/v1/policy-flags': () => ({}),
    'GET /api/v1/policy-flags/authorities': () => ({}),
    'GET /api/v1/policy-flags/:id': () => ({ id: fx.flagId }),
    'POST /api/v1/policy-flags/:id/answer': async (role) => {
      // A fresh flag whose named authority is the caller (when the caller can be one).
      const authority = role === 'team_leader' || role === 'supervisor' ? role : 'administrator';
      const f = await t.services.policyFlags.raise(t.users.officer.actor, fx.caseId, {
        authorityId: t.users[authority].id,
        policy: `Policy ${next()}`,
        customerNeed: 'x',
        evidence: 'y',
      });
      return { id: f.id, body: { answer: 'Make an exception' } };
    },
    // Templates and call scripts: everyone uses them (preview with a case's data); leaders and up write them.
    'GET /api/v1/template-variables': () => ({}),
    'GET /api/v1/templates': () => ({}),
    'POST /api/v1/templates': () => ({
      body: { kind: 'phrase', name: `Matrix phrase ${next()}`, body: 'Thank you, {{customer.name}}.' },
    }),
    'GET /api/v1/templates/:id': () => ({ id: fx.templateId }),
    'PATCH /api/v1/templates/:id': () => ({
      id: fx.templateId,
      body: { body: `Matrix ${next()}: {{case.reference}}` },
    }),
    'POST /api/v1/templates/:id/preview': () => ({ id: fx.templateId, body: { caseId: fx.caseId } }),
    'GET /api/v1/scripts': () => ({}),
    'POST /api/v1/scripts': () => ({
      body: {
        name: `Matrix script ${next()}`,
        steps: [
          { id: 'a', title: 'Ask', text: 'Can you pay by {{today}}?', next: 'b' },
          { id: 'b', title: 'End', text: 'Thank you.' },
        ],
      },
    }),
    'GET /api/v1/scripts/:id': () => ({ id: fx.scriptId }),
    'PATCH /api/v1/scripts/:id': () => ({ id: fx.scriptId, body: { description: `Matrix ${next()}` } }),
    'POST /api/v1/scripts/:id/preview': () => ({ id: fx.scriptId, body: { caseId: fx.caseId } }),
    'GET /api/v1/public/kb/search': () => ({ query: 'q=roaming' }),
    'GET /api/v1/public/kb/articles/:slug': () => ({ id: fx.article.slug }),
    'GET /api/v1/public/kb/attachments/:id': () => ({ id: fx.attachmentId }),
  };

  async function send(route: string, caller: Caller, req: Req, method?: string): Promise<Res> {
    const [m, url] = route.split(' ') as [string, string];
    const filled = req.id ? url.replace(':id', req.id).replace(':slug', req.id) : url;
    const path = req.query ? `${filled}?${req.query}` : filled;
    return t.call(caller, (method ?? m) as InjectOptions['method'], path, req.body, req.headers);
  }

  test('the matrix names exactly the routes the app registers, no more and no fewer', () => {
    const registered = new Set(t.routes.map((r) => `${r.method} ${r.url}`));
    const inTable = new Set(EXPECTED.keys());
    assert.deepEqual(
      [...registered].filter((k) => !inTable.has(k)),
      [],
      'routes without a row in the matrix: add them to MATRIX',
    );
    assert.deepEqual(
      [...inTable].filter((k) => !registered.has(k)),
      [],
      'matrix rows for routes the app does not register',
    );
    assert.deepEqual(Object.keys(REQUESTS).sort(), [...inTable].sort(), 'every matrix row has a request');
    assert.ok(registered.size >= 41, `only ${registered.size} routes registered`);
  });

  test('the table itself is sane: administrators reach every route, public routes are few', () => {
    const publicRoutes = [...EXPECTED].filter(([, e]) => e.public).map(([k]) => k);
    assert.deepEqual(publicRoutes.sort(), [
      'GET /api/v1/health',
      'GET /api/v1/openapi.json',
      'GET /api/v1/public/kb/articles/:slug',
      'GET /api/v1/public/kb/attachments/:id',
      'GET /api/v1/public/kb/search',
      'POST /api/v1/auth/login',
    ]);
    for (const [route, e] of EXPECTED) assert.ok(e.allowed.has('administrator'), route);
  });

  for (const [route, expected] of EXPECTED) {
    const who = expected.public
      ? 'public'
      : expected.allowed.size === COLUMNS.length
        ? 'every signed-in role'
        : `only ${[...expected.allowed].join(', ')}`;
    test(`${route}: ${who}`, async () => {
      const wrong: string[] = [];
      for (const caller of CALLERS) {
        const req = await REQUESTS[route]!(caller);
        const audit0 = await count(t, 'audit_log');
        const outbox0 = await count(t, 'outbox');
        const r = await send(route, caller, req);
        const got = `${r.statusCode} ${r.data?.code ?? ''}`.trim();
        const cell = `${label(caller)}: got ${got}`;
        if (r.statusCode >= 500) {
          wrong.push(`${cell} (a server error)`);
        } else if (caller === null && !expected.public) {
          if (!isProblem(r, 401, 'auth.unauthenticated'))
            wrong.push(`${cell}, want 401 auth.unauthenticated`);
        } else if (caller !== null && !expected.public && !expected.allowed.has(caller)) {
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
    for (const [route, expected] of EXPECTED) {
      if (!route.startsWith('GET ')) continue;
      for (const caller of CALLERS) {
        const req = await REQUESTS[route]!(caller);
        const r = await send(route, caller, req, 'HEAD');
        const want =
          caller === null && !expected.public
            ? 401
            : caller !== null && !expected.public && !expected.allowed.has(caller)
              ? 403
              : (req.allowedAnswer?.status ?? 200);
        if (r.statusCode !== want)
          wrong.push(`HEAD ${route.slice(4)} as ${label(caller)}: ${r.statusCode}, want ${want}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('a wrong, unknown or malformed credential counts as none (401), on reads and writes', async () => {
    const bad: Record<string, string>[] = [
      { authorization: 'Bearer flt_not-a-real-token' },
      { authorization: 'Bearer not-even-our-prefix' },
      { authorization: `Bearer ${t.users.officer.token}x` },
      { authorization: `bearer ${t.users.officer.token}` },
      { authorization: 'Basic b2ZmaWNlcjpjb3JyZWN0IGhvcnNlIGJhdHRlcnk=' },
      { authorization: 'Bearer' },
      { cookie: 'frontline_session=forged-session-value' },
    ];
    for (const headers of bad) {
      const audit0 = await count(t, 'audit_log');
      const read = await t.call(null, 'GET', '/api/v1/cases', undefined, headers);
      assert.ok(
        isProblem(read, 401, 'auth.unauthenticated'),
        `${JSON.stringify(headers)} read: ${read.statusCode}`,
      );
      const write = await t.call(
        null,
        'POST',
        '/api/v1/contacts',
        { channel: 'phone', direction: 'inbound' },
        headers,
      );
      assert.ok(
        isProblem(write, 401, 'auth.unauthenticated'),
        `${JSON.stringify(headers)} write: ${write.statusCode}`,
      );
      assert.equal(await count(t, 'audit_log'), audit0);
    }
  });

  test('an unknown route answers 404 route.not_found as problem+json, with or without credentials', async () => {
    for (const caller of [null, 'officer'] as const) {
      const r = await t.call(caller, 'GET', '/api/v1/no-such-thing');
      assert.ok(isProblem(r, 404, 'route.not_found'), `${label(caller)}: ${r.statusCode} ${r.body}`);
    }
  });
});

/** inject() with a client address and a session cookie; `data` is the parsed JSON. */
async function req(
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

const login = (t: TestApp, username: string, password: string, ip = '127.0.0.1') =>
  req(t, 'POST', '/api/v1/auth/login', { body: { username, password }, ip });

function sessionOf(r: Res): { cookie: string; csrf: string } {
  assert.equal(r.statusCode, 200, r.body);
  const c = r.cookies.find((x) => x.name === 'frontline_session');
  assert.ok(c?.value, 'login sets the frontline_session cookie');
  assert.equal(typeof r.data.csrfToken, 'string');
  assert.ok(r.data.csrfToken.length >= 16);
  return { cookie: c.value, csrf: r.data.csrfToken };
}

const userRow = (t: TestApp, username: string) =>
  t.ctx.store.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow();

for (const dialect of await dialects()) {
  describe(`credentials on ${dialect}`, () => {
    describe(`sessions, lock-out and tokens on ${dialect}`, () => {
      let t: TestApp;
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      before(async () => {
        t = await makeTestApp(dialect, { clock });
      });
      after(() => t?.close());

      test('login sets an HttpOnly, SameSite session cookie and answers the user and a CSRF token', async () => {
        const sessions0 = await count(t, 'sessions');
        const r = await login(t, 'teamleader', TEST_PASSWORD, '10.1.0.1');
        const s = sessionOf(r);
        const c = r.cookies.find((x) => x.name === 'frontline_session')!;
        assert.equal(c.httpOnly, true);
        assert.equal(c.sameSite, 'Lax');
        assert.equal(c.path, '/');
        assert.equal(r.data.user.role, 'team_leader');
        assert.equal(r.data.user.username, 'teamleader');
        assert.ok(
          !('password' in r.data.user) &&
            !('passwordHash' in r.data.user) &&
            !('password_hash' in r.data.user),
        );
        assert.equal(r.data.expiresAt, '2026-11-23T21:00:00.000Z');
        assert.notEqual(s.cookie, s.csrf);
        assert.equal(await count(t, 'sessions'), sessions0 + 1);
      });

      test('a wrong password or an unknown user answers 401 auth.invalid_credentials and no session', async () => {
        const sessions0 = await count(t, 'sessions');
        for (const [u, p] of [
          ['teamleader', 'not the password'],
          ['nobody-here', TEST_PASSWORD],
        ] as const) {
          const r = await login(t, u, p, '10.1.0.2');
          assert.ok(isProblem(r, 401, 'auth.invalid_credentials'), `${u}: ${r.statusCode} ${r.body}`);
          assert.equal(
            r.cookies.find((x) => x.name === 'frontline_session'),
            undefined,
          );
        }
        assert.equal(await count(t, 'sessions'), sessions0);
        // The known user's failure is counted; nothing is locked yet.
        assert.equal((await userRow(t, 'teamleader')).failed_logins, 1);
      });

      test('a cookie session reads without the CSRF token', async () => {
        const s = sessionOf(await login(t, 'teamleader', TEST_PASSWORD, '10.1.0.3'));
        const me = await req(t, 'GET', '/api/v1/auth/session', { cookie: s.cookie });
        assert.equal(me.statusCode, 200, me.body);
        assert.equal(me.data.user.role, 'team_leader');
        assert.equal(me.data.csrfToken, s.csrf);
        const cases = await req(t, 'GET', '/api/v1/cases', { cookie: s.cookie });
        assert.equal(cases.statusCode, 200, cases.body);
        // The role applies to sessions as to tokens: a team leader reads users...
        assert.equal((await req(t, 'GET', '/api/v1/users', { cookie: s.cookie })).statusCode, 200);
        // ...but may not read API tokens.
        const tokens = await req(t, 'GET', '/api/v1/tokens', { cookie: s.cookie });
        assert.ok(isProblem(tokens, 403, 'auth.forbidden'), tokens.body);
      });

      test('a cookie-authenticated write needs X-CSRF-Token: missing or wrong → 403 auth.csrf_failed, nothing written', async () => {
        const s = sessionOf(await login(t, 'teamleader', TEST_PASSWORD, '10.1.0.4'));
        const contact = await buildContact(t, null);
        const writes: [InjectOptions['method'], string, unknown][] = [
          ['POST', '/api/v1/contacts', { channel: 'phone', direction: 'inbound' }],
          ['PATCH', `/api/v1/contacts/${contact.id}`, { notes: 'changed' }],
          ['POST', '/api/v1/auth/logout', undefined],
        ];
        for (const [method, url, body] of writes) {
          for (const csrf of [undefined, '', 'wrong-token', `${s.csrf}x`, s.csrf.slice(1)]) {
            const audit0 = await count(t, 'audit_log');
            const contacts0 = await t.ctx.store.db.selectFrom('contacts').selectAll().execute();
            const r = await req(t, method, url, {
              body,
              cookie: s.cookie,
              ...(csrf !== undefined ? { csrf } : {}),
            });
            assert.ok(
              isProblem(r, 403, 'auth.csrf_failed'),
              `${method} ${url} csrf=${csrf}: ${r.statusCode} ${r.body}`,
            );
            assert.equal(await count(t, 'audit_log'), audit0);
            assert.deepEqual(await t.ctx.store.db.selectFrom('contacts').selectAll().execute(), contacts0);
          }
        }
        // The session survived the refused logout attempts.
        assert.equal((await req(t, 'GET', '/api/v1/auth/session', { cookie: s.cookie })).statusCode, 200);
      });

      test('with the right X-CSRF-Token the cookie-authenticated write succeeds, as that user', async () => {
        const s = sessionOf(await login(t, 'teamleader', TEST_PASSWORD, '10.1.0.5'));
        const r = await req(t, 'POST', '/api/v1/contacts', {
          body: { channel: 'walk_in', direction: 'inbound' },
          cookie: s.cookie,
          csrf: s.csrf,
        });
        assert.equal(r.statusCode, 201, r.body);
        assert.equal(r.data.officerId, t.users.team_leader.id);
        // CSRF does not lift the role's limits.
        const u = await req(t, 'POST', '/api/v1/users', {
          body: { username: 'sneaky', displayName: 'Sneaky', role: 'administrator', password: TEST_PASSWORD },
          cookie: s.cookie,
          csrf: s.csrf,
        });
        assert.ok(isProblem(u, 403, 'auth.forbidden'), u.body);
        // A session's CSRF token does not work with another session.
        const other = sessionOf(await login(t, 'officer', TEST_PASSWORD, '10.1.0.5'));
        const cross = await req(t, 'POST', '/api/v1/contacts', {
          body: { channel: 'phone', direction: 'inbound' },
          cookie: other.cookie,
          csrf: s.csrf,
        });
        assert.ok(isProblem(cross, 403, 'auth.csrf_failed'), cross.body);
      });

      test('bearer-token writes need no CSRF token', async () => {
        const r = await t.call('officer', 'POST', '/api/v1/contacts', {
          channel: 'phone',
          direction: 'outbound',
        });
        assert.equal(r.statusCode, 201, r.body);
      });

      test('logout ends the session: the cookie answers 401 afterwards', async () => {
        const s = sessionOf(await login(t, 'supervisor', TEST_PASSWORD, '10.1.0.6'));
        const sessions0 = await count(t, 'sessions');
        const out = await req(t, 'POST', '/api/v1/auth/logout', { cookie: s.cookie, csrf: s.csrf });
        assert.equal(out.statusCode, 204, out.body);
        const cleared = out.cookies.find((x) => x.name === 'frontline_session');
        assert.equal(cleared?.value, '', 'the cookie is cleared');
        assert.equal(await count(t, 'sessions'), sessions0 - 1);
        for (const [method, url, csrf] of [
          ['GET', '/api/v1/auth/session', undefined],
          ['GET', '/api/v1/cases', undefined],
          ['POST', '/api/v1/auth/logout', s.csrf],
        ] as const) {
          const r = await req(t, method, url, { cookie: s.cookie, ...(csrf ? { csrf } : {}) });
          assert.ok(isProblem(r, 401, 'auth.unauthenticated'), `${method} ${url}: ${r.statusCode} ${r.body}`);
        }
      });

      test('a session expires after sessionTtlHours', async () => {
        const s = sessionOf(await login(t, 'trainer', TEST_PASSWORD, '10.1.0.7'));
        const ttl = t.ctx.config.sessionTtlHours * 3_600_000;
        clock.advance(ttl - 1000);
        assert.equal((await req(t, 'GET', '/api/v1/auth/session', { cookie: s.cookie })).statusCode, 200);
        clock.advance(1000);
        const r = await req(t, 'GET', '/api/v1/auth/session', { cookie: s.cookie });
        assert.ok(isProblem(r, 401, 'auth.unauthenticated'), r.body);
      });

      test('5 wrong passwords lock the account: the 6th attempt, even with the right password, answers 423 auth.locked', async () => {
        const ip = '10.1.0.8';
        const sessions0 = await count(t, 'sessions');
        const locked0 = await t.ctx.store.db
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'user.locked')
          .execute();
        for (let i = 1; i <= t.ctx.config.login.maxFailures; i++) {
          const r = await login(t, 'trainee', `wrong password ${i}`, ip);
          assert.ok(isProblem(r, 401, 'auth.invalid_credentials'), `attempt ${i}: ${r.statusCode} ${r.body}`);
        }
        const r = await login(t, 'trainee', TEST_PASSWORD, ip);
        assert.ok(isProblem(r, 423, 'auth.locked'), `${r.statusCode} ${r.body}`);
        const lockedUntil = new Date(
          clock.now().getTime() + t.ctx.config.login.lockMinutes * 60_000,
        ).toISOString();
        assert.equal(r.data.lockedUntil, lockedUntil);
        assert.equal(
          r.cookies.find((x) => x.name === 'frontline_session'),
          undefined,
        );
        assert.equal(await count(t, 'sessions'), sessions0);
        const locked = await t.ctx.store.db
          .selectFrom('audit_log')
          .selectAll()
          .where('action', '=', 'user.locked')
          .execute();
        assert.equal(locked.length, locked0.length + 1, 'the lock-out is audited');
        assert.equal(locked.at(-1)?.entity_id, t.users.trainee.id);
        // Still locked one second before the end; open again when the lock has run out.
        clock.advance(t.ctx.config.login.lockMinutes * 60_000 - 1000);
        assert.ok(isProblem(await login(t, 'trainee', TEST_PASSWORD, ip), 423, 'auth.locked'));
        clock.advance(1000);
        sessionOf(await login(t, 'trainee', TEST_PASSWORD, ip));
        assert.equal((await userRow(t, 'trainee')).failed_logins, 0);
      });

      test('a successful login resets the failure count (4 wrong, 1 right, 4 wrong: not locked)', async () => {
        const ip = '10.1.0.9';
        for (let i = 0; i < 4; i++)
          assert.equal((await login(t, 'officer', 'nope nope nope', ip)).statusCode, 401);
        sessionOf(await login(t, 'officer', TEST_PASSWORD, ip));
        for (let i = 0; i < 4; i++)
          assert.equal((await login(t, 'officer', 'nope nope nope', ip)).statusCode, 401);
        sessionOf(await login(t, 'officer', TEST_PASSWORD, ip));
        assert.equal((await userRow(t, 'officer')).locked_until, null);
      });

      test('a revoked token stops working (DELETE /api/v1/tokens/:id)', async () => {
        const created = await t.call('administrator', 'POST', '/api/v1/tokens', { name: 'integration' });
        assert.equal(created.statusCode, 201, created.body);
        assert.match(created.data.token, /^flt_/);
        const bearer = { authorization: `Bearer ${created.data.token}` };
        assert.equal((await t.call(null, 'GET', '/api/v1/cases', undefined, bearer)).statusCode, 200);
        const del = await t.call('administrator', 'DELETE', `/api/v1/tokens/${created.data.id}`);
        assert.equal(del.statusCode, 204, del.body);
        for (const [method, url, body] of [
          ['GET', '/api/v1/cases', undefined],
          ['POST', '/api/v1/contacts', { channel: 'phone', direction: 'inbound' }],
        ] as const) {
          const r = await t.call(null, method, url, body, bearer);
          assert.ok(isProblem(r, 401, 'auth.unauthenticated'), `${method} ${url}: ${r.statusCode} ${r.body}`);
        }
        const list = await t.call('administrator', 'GET', '/api/v1/tokens');
        const row = list.data.items.find((x: { id: string }) => x.id === created.data.id);
        assert.equal(row?.revokedAt, clock.now().toISOString());
        const audited = await t.ctx.store.db
          .selectFrom('audit_log')
          .select('action')
          .where('entity_id', '=', created.data.id)
          .execute();
        assert.deepEqual(audited.map((a) => a.action).sort(), ['token.created', 'token.revoked']);
        // Other tokens are untouched.
        assert.equal((await t.call('administrator', 'GET', '/api/v1/tokens')).statusCode, 200);
      });

      test('an expired token stops working', async () => {
        const created = await t.call('administrator', 'POST', '/api/v1/tokens', {
          name: 'short-lived',
          expiresInDays: 1,
          userId: t.users.officer.id,
        });
        assert.equal(created.statusCode, 201, created.body);
        const bearer = { authorization: `Bearer ${created.data.token}` };
        const r1 = await t.call(null, 'GET', '/api/v1/auth/session', undefined, bearer);
        assert.equal(r1.statusCode, 200, r1.body);
        assert.equal(r1.data.user.id, t.users.officer.id, 'the token acts as the user it was made for');
        clock.advance(86_400_000 - 1000);
        assert.equal((await t.call(null, 'GET', '/api/v1/cases', undefined, bearer)).statusCode, 200);
        clock.advance(1000);
        const r = await t.call(null, 'GET', '/api/v1/cases', undefined, bearer);
        assert.ok(isProblem(r, 401, 'auth.unauthenticated'), r.body);
      });

      test('deactivating a user ends their sessions and stops their tokens', async () => {
        await t.services.people.createUser(SYSTEM_ACTOR, {
          username: 'leaver',
          displayName: 'Leaving officer',
          role: 'officer',
          password: TEST_PASSWORD,
        });
        const leaver = await userRow(t, 'leaver');
        const { token } = await t.services.auth.createToken(SYSTEM_ACTOR, {
          name: 'leaver',
          userId: leaver.id,
        });
        const s = sessionOf(await login(t, 'leaver', TEST_PASSWORD, '10.1.0.10'));
        const off = await t.call('administrator', 'PATCH', `/api/v1/users/${leaver.id}`, { active: false });
        assert.equal(off.statusCode, 200, off.body);
        const viaCookie = await req(t, 'GET', '/api/v1/cases', { cookie: s.cookie });
        assert.ok(isProblem(viaCookie, 401, 'auth.unauthenticated'), viaCookie.body);
        const viaToken = await t.call(null, 'GET', '/api/v1/cases', undefined, {
          authorization: `Bearer ${token}`,
        });
        assert.ok(isProblem(viaToken, 401, 'auth.unauthenticated'), viaToken.body);
        assert.ok(
          isProblem(await login(t, 'leaver', TEST_PASSWORD, '10.1.0.10'), 401, 'auth.invalid_credentials'),
        );
      });
    });

    describe(`per-IP login rate limit on ${dialect}`, () => {
      let t: TestApp;
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      before(async () => {
        t = await makeTestApp(dialect, { clock, env: { FRONTLINE_LOGIN_PER_IP_PER_MINUTE: '3' } });
      });
      after(() => t?.close());

      test('the 4th attempt in a minute from one address answers 429 auth.rate_limited, even with the right password', async () => {
        assert.equal(t.ctx.config.login.perIpPerMinute, 3);
        const ip = '192.0.2.7';
        assert.equal((await login(t, 'officer', 'wrong password', ip)).statusCode, 401);
        assert.equal((await login(t, 'nobody', 'wrong password', ip)).statusCode, 401);
        sessionOf(await login(t, 'officer', TEST_PASSWORD, ip));
        const sessions0 = await count(t, 'sessions');
        const failures0 = (await userRow(t, 'trainee')).failed_logins;
        for (const password of [TEST_PASSWORD, 'wrong password']) {
          const r = await login(t, 'trainee', password, ip);
          assert.ok(isProblem(r, 429, 'auth.rate_limited'), `${r.statusCode} ${r.body}`);
          assert.equal(
            r.cookies.find((x) => x.name === 'frontline_session'),
            undefined,
          );
        }
        assert.equal(await count(t, 'sessions'), sessions0, 'a throttled login creates no session');
        assert.equal((await userRow(t, 'trainee')).failed_logins, failures0, 'and counts no failure');
        // Another address is not throttled.
        sessionOf(await login(t, 'trainee', TEST_PASSWORD, '192.0.2.8'));
        // A minute later the first address may try again.
        clock.advance(60_000);
        sessionOf(await login(t, 'trainee', TEST_PASSWORD, ip));
      });
    });

    describe(`verified-contact writes by frontline roles complete on ${dialect}`, () => {
      // Regression: on SQLite these requests used to hang for ever (isMaskedFor() queried beside the
      // open transaction on the single connection; fixed in cb8fa21). A hang must fail, not stall
      // the run, and each case has its own app since a deadlocked app cannot be used again.
      const within = async <T>(p: Promise<T>, ms: number): Promise<T | 'timed out'> => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timed out'>((resolve) => {
          timer = setTimeout(() => resolve('timed out'), ms);
        });
        try {
          return await Promise.race([p, timeout]);
        } finally {
          clearTimeout(timer);
        }
      };
      const cases: [
        string,
        (t: TestApp, v: Awaited<ReturnType<typeof buildVerifiedContact>>) => Promise<Res>,
        number,
        (r: Res) => void,
        Role?,
      ][] = [
        [
          'an officer changes a verified customer (PATCH /customers/:id)',
          (t, v) =>
            t.call('officer', 'PATCH', `/api/v1/customers/${v.customer.id}`, {
              address: '1 Verified Road',
              contactId: v.contact.id,
            }),
          200,
          (r) => {
            assert.equal(r.data.address, '1 Verified Road');
            assert.equal(r.data.masked, false, 'verified on this contact: unmasked');
          },
        ],
        [
          'a team leader adds an account for a verified customer (POST /customers/:id/accounts)',
          (t, v) =>
            t.call('team_leader', 'POST', `/api/v1/customers/${v.customer.id}/accounts`, {
              accountNumber: 'VERIFIED-1',
              contactId: v.contact.id,
            }),
          201,
          (r) => {
            assert.equal(r.data.accountNumber, 'VERIFIED-1');
            assert.notEqual(r.data.balanceMinor, null, 'verified on this contact: unmasked');
          },
          // The team leader took the call: a verification unmasks only for the one handling the contact.
          'team_leader',
        ],
        [
          'an officer suspends an account of a verified customer (PATCH /accounts/:id)',
          (t, v) =>
            t.call('officer', 'PATCH', `/api/v1/accounts/${v.customer.account.id}`, {
              status: 'suspended',
              contactId: v.contact.id,
            }),
          200,
          (r) => assert.equal(r.data.status, 'suspended'),
        ],
      ];
      for (const [name, run, status, check, handler] of cases) {
        test(name, async () => {
          const t = await makeTestApp(dialect);
          try {
            const v = await buildVerifiedContact(t, t.users[handler ?? 'officer'].actor);
            const r = await within(run(t, v), 1500);
            assert.notEqual(r, 'timed out', 'the request never answered');
            assert.equal((r as Res).statusCode, status, (r as Res).body);
            check(r as Res);
          } finally {
            await t.close();
          }
        });
      }
    });
  });
}
