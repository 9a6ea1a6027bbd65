import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { TEST_PASSWORD, type TestApp } from './app.ts';
import { buildCase, buildContact, buildCustomer, buildSla, buildVerifiedContact } from './factories.ts';

/** The records every module's cases point at, built once per database. */
export interface Fx {
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
  /** An open follow-up promised by e-mail (keeping it needs a message or withoutSending). */
  emailCommitmentId: string;
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
  /** A saved queue view of the officer's. */
  viewId: string;
}

export async function buildFixtures(t: TestApp): Promise<Fx> {
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
  const byEmail = await t.services.commitments.create(t.users.officer.actor, c.id, {
    dueAt: '2026-12-03T09:00:00.000Z',
    method: 'email',
  });
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
  const view = await t.services.caseViews.create(t.users.officer.actor, {
    name: 'Validation view',
    filters: {},
  });
  return {
    templateId: template.id,
    archivedTemplateId: archivedTemplate.id,
    scriptId: script.id,
    archivedScriptId: archivedScript.id,
    solutionId: solution.id,
    agreedSolutionId: agreed.id,
    disseminationId: agreedDone.disseminationId!,
    policyFlagId: flag.id,
    viewId: view.id,
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
    emailCommitmentId: byEmail.id,
    supervisorNotificationId: supervisorNotificationId!,
    spareUserId: spare.id,
    tokenId: token.id,
    accountNumber: account.account_number,
  };
}
