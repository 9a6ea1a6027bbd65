import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { CaseAction } from '../../shared/contracts/cases.ts';
import type { Role } from '../../shared/contracts/people.ts';
import { buildServices } from '../app.ts';
import { DEMO_WIDGET_ID } from '../modules/messages/chat/chat-pages.ts';
import { seedTemplatesAndScripts } from '../modules/scripts/demo-content.ts';
import type { Actor } from '../platform/audit.ts';
import { SYSTEM_ACTOR, SYSTEM_USER_ID } from '../platform/audit.ts';
import { fixedClock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { Ctx } from '../platform/context.ts';
import type { Database } from '../platform/db/schema.ts';
import { seedKnowledge } from './knowledge.ts';

export const demoPasswordFile = (config: Config) => path.join(config.dataDir, 'demo-password.txt');

export async function isEmpty(ctx: Ctx): Promise<boolean> {
  // The `system` row (migration 202612041000) is not a person: a database with only it is empty.
  const row = await ctx.store.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('id', '!=', SYSTEM_USER_ID)
    .executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}

/** Deterministic PRNG (mulberry32): the same demo centre every time. */
function rng(seed: number) {
  let a = seed;
  const next = () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

const GIVEN = [
  'Wei Ming',
  'Mei Ling',
  'Siti',
  'Ahmad',
  'Priya',
  'Rajesh',
  'Hui Min',
  'Jun Jie',
  'Nurul',
  'Farah',
  'Arjun',
  'Kavitha',
  'Daniel',
  'Sarah',
  'Grace',
  'Marcus',
  'Aisyah',
  'Irfan',
  'Li Na',
  'Kumar',
  'Rachel',
  'Benjamin',
  'Zhi Hao',
  'Aditi',
];
const FAMILY = [
  'Tan',
  'Lim',
  'Lee',
  'Ng',
  'Wong',
  'Goh',
  'Chua',
  'Ong',
  'Koh',
  'Teo',
  'Binte Rahman',
  'Bin Abdullah',
  'Pillai',
  'Nair',
  'Krishnan',
  'Singh',
  'Fernandez',
  'Chen',
  'Ho',
  'Yeo',
];
const LANGS = ['en', 'en', 'en', 'zh', 'ms', 'ta'] as const;
const PLANS = ['Value 20', 'Value 40', 'Unlimited 80', 'Family Share', 'Fibre 1G', 'Fibre 500M', 'Home Line'];

const SUBJECTS: {
  type: 'general_enquiry' | 'request_for_action' | 'complaint' | 'compliment' | 'feedback';
  cat: string;
  subject: string;
}[] = [
  { type: 'complaint', cat: 'Charges dispute', subject: 'Charged twice for roaming data' },
  { type: 'complaint', cat: 'No service', subject: 'No mobile signal at home since Monday' },
  {
    type: 'request_for_action',
    cat: 'Payment arrangement',
    subject: 'Asks for a two-week payment extension',
  },
  { type: 'request_for_action', cat: 'Plan change', subject: 'Wants to move to Unlimited 80' },
  { type: 'request_for_action', cat: 'Change of particulars', subject: 'Change of billing address' },
  { type: 'general_enquiry', cat: 'Product information', subject: 'Asks about fibre plans for a new flat' },
  { type: 'general_enquiry', cat: 'Promotions', subject: 'Asks whether the year-end promotion applies' },
  { type: 'complaint', cat: 'Slow data', subject: 'Mobile data very slow in the evenings' },
  { type: 'request_for_action', cat: 'Refund', subject: 'Refund of deposit after termination' },
  { type: 'compliment', cat: 'Staff', subject: 'Thanks the technician for a quick repair' },
  { type: 'feedback', cat: 'Service', subject: 'Suggests SMS reminders before the bill is due' },
  { type: 'request_for_action', cat: 'Termination', subject: 'Wants to terminate the home line' },
];

const CATEGORY_TREE: Record<string, string[]> = {
  Billing: ['Charges dispute', 'Payment arrangement', 'Refund'],
  Technical: ['No service', 'Slow data', 'Device'],
  Account: ['Change of particulars', 'Plan change', 'Termination'],
  General: ['Product information', 'Promotions'],
  Feedback: ['Service', 'Staff'],
};

export interface SeedOptions {
  customers?: number;
  cases?: number;
  password?: string;
  /** Called before each historic case; tests throw from it to interrupt the seed halfway. */
  beforeCase?: (index: number) => void;
}

/**
 * Kysely refuses to open a transaction inside a transaction; the seed runs the services, which
 * each open their own, inside one. Here a service's "transaction" is the seed's own.
 */
function insideTransaction(trx: Transaction<Database>): Kysely<Database> {
  const nested = {
    execute: <T>(fn: (t: Transaction<Database>) => Promise<T>): Promise<T> => fn(trx),
    setIsolationLevel: () => nested,
    setAccessMode: () => nested,
  };
  return new Proxy(trx, {
    get(target, prop) {
      if (prop === 'transaction') return () => nested;
      const value: unknown = Reflect.get(target, prop, target);
      // Kysely keeps its state in #private fields, which only the real object can read.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The demo centre: departments (the referral directory), a team, one user per role, ~200 customers
 * with accounts and services, ~500 historic cases over the last 90 days — all created through the
 * services, so the audit trail and timelines are as real as the data.
 *
 * All of it in one transaction: a start killed halfway leaves an empty database, which the next
 * start seeds again, never a half centre whose users have no printed password. The password file
 * is written before the commit, so a committed centre always has one.
 */
export async function seedDemo(
  base: Ctx,
  opts: SeedOptions = {},
): Promise<{ customers: number; cases: number; password: string }> {
  return base.store.db
    .transaction()
    .execute((trx) => seedAll({ ...base, store: { ...base.store, db: insideTransaction(trx) } }, opts));
}

async function seedAll(
  base: Ctx,
  opts: SeedOptions,
): Promise<{ customers: number; cases: number; password: string }> {
  const nCustomers = opts.customers ?? 200;
  const nCases = opts.cases ?? 500;
  const r = rng(20261123);
  const now = base.clock.now().getTime();
  const clock = fixedClock(new Date(now - 120 * 86_400_000));
  const ctx: Ctx = { ...base, clock };
  const s = buildServices(ctx);
  const sys = SYSTEM_ACTOR;
  // Hex (digits and a–f) can never spell a demo user's name, which the password rule would refuse.
  const password =
    opts.password || process.env.FRONTLINE_DEMO_PASSWORD || `demo-${randomBytes(6).toString('hex')}`;

  const dept = async (
    name: string,
    purpose: string,
    phone: string,
    email: string | null,
    hours: string,
    external = false,
  ) => s.people.createDepartment(sys, { name, purpose, phone, email, hours, external });
  const cs = await dept(
    'Customer Service',
    'General enquiries, account particulars, plans and feedback',
    '+65 6100 1000',
    'care@example.com',
    'Daily 08:00–22:00',
  );
  const billing = await dept(
    'Billing',
    'Bills, charges, refunds, waivers and payment arrangements',
    '+65 6100 2000',
    'billing@example.com',
    'Mon–Fri 09:00–18:00',
  );
  const tech = await dept(
    'Technical Support',
    'Faults, coverage, devices, broadband and line repairs',
    '+65 6100 3000',
    'support@example.com',
    '24 hours',
  );
  const collections = await dept(
    'Collections',
    'Overdue accounts, defaulters and recovery',
    '+65 6100 4000',
    'collections@example.com',
    'Mon–Fri 09:00–17:30',
  );
  await dept(
    'Consumer Advocacy Office',
    'Independent mediation of consumer disputes (outside party)',
    '+65 6100 9000',
    null,
    'Mon–Fri 09:00–17:00',
    true,
  );
  await dept(
    'Partner Retail Stores',
    'Device purchase, repair drop-off and SIM replacement in person (outside party)',
    '+65 6100 9100',
    null,
    'Daily 11:00–21:00',
    true,
  );

  const team = await s.people.createTeam(sys, { name: 'Hotline Team A', departmentId: cs.id });
  const user = (
    username: string,
    displayName: string,
    role: Role,
    departmentId: string | null = cs.id,
    teamId: string | null = team.id,
  ) =>
    s.people.createUser(sys, {
      username,
      displayName,
      role,
      password,
      teamId,
      departmentId,
      email: `${username}@example.com`,
    });
  const olivia = await user('olivia', 'Olivia Tan', 'officer');
  const tom = await user('tom', 'Tom Lim', 'trainee');
  const lena = await user('lena', 'Lena Koh', 'team_leader');
  await user('sam', 'Sam Rahman', 'supervisor', cs.id, null);
  await user('tara', 'Tara Nair', 'trainer', cs.id, null);
  await user('admin', 'Alex Admin', 'administrator', null, null);
  const billingLead = await user('bella', 'Bella Ong', 'team_leader', billing.id, null);
  await base.store.db.updateTable('teams').set({ leader_id: lena.id }).where('id', '=', team.id).execute();
  // The centre's mailbox (issue 13): mail to it (FRONTLINE_SMTP_PORT) opens cases in the hotline team's
  // queue; replies leave through SMTP_URL, or without one are written under <data dir>/mail/outbound.
  await s.mailboxes.create(sys, {
    address: 'support@frontline.demo',
    displayName: 'Frontline Demo Support',
    signature: 'Frontline Demo Support · +65 6100 1000',
    inbound: 'smtp',
    teamId: team.id,
  });

  // The demo site's chat widget (issue 14): /demo/widget embeds it; its chats queue for the hotline team.
  await s.chatWidgets.create(
    sys,
    { name: 'Example Telco chat', teamId: team.id, allowedOrigins: ['http://localhost:3000'] },
    { id: DEMO_WIDGET_ID },
  );
  // The languages the hotline's officers speak (routing asks for the one a chat's visitor chooses,
  // else the customer's preferred one; nobody recorded as speaking it, a chat waits until the queue
  // relaxes the language).
  for (const [u, languages] of [
    [olivia, ['en', 'zh']],
    [tom, ['en', 'ms']],
    [lena, ['en', 'ta']],
  ] as const)
    await s.routingAdmin.putProfile(sys, u.id, {
      languages: [...languages],
      skills: [],
      capacity: { email: 1, chat: 3, sms: 2 },
    });

  // Business calendars: the hotline never closes; Billing keeps office hours and public holidays.
  const weekdays = Object.fromEntries(
    [1, 2, 3, 4, 5].map((d) => [String(d), [['09:00', '18:00']] as [string, string][]]),
  );
  const hotline = await s.calendars.create(sys, {
    name: 'Hotline 24/7',
    timeZone: 'Asia/Singapore',
    hours: Object.fromEntries(
      [1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [['00:00', '24:00']] as [string, string][]]),
    ),
  });
  const officeHours = await s.calendars.create(sys, {
    name: 'Office hours',
    timeZone: 'Asia/Singapore',
    hours: weekdays,
    holidays: [
      { date: '2026-01-01', name: "New Year's Day" },
      { date: '2026-05-01', name: 'Labour Day' },
      { date: '2026-08-10', name: 'National Day (observed)' },
      { date: '2026-12-25', name: 'Christmas Day' },
    ],
  });

  // Service levels: highly critical problems around the clock, complaints faster than the rest.
  await s.policies.create(sys, {
    name: 'Highly critical',
    position: 10,
    calendarId: hotline.id,
    conditions: { criticalities: ['highly_critical'] },
    firstResponseMinutes: 15,
    nextUpdateMinutes: 60,
    resolutionMinutes: 4 * 60,
  });
  await s.policies.create(sys, {
    name: 'Complaints',
    position: 20,
    calendarId: officeHours.id,
    conditions: { types: ['complaint'] },
    firstResponseMinutes: 60,
    resolutionMinutes: 9 * 60,
  });
  await s.policies.create(sys, {
    name: 'Standard',
    position: 100,
    calendarId: officeHours.id,
    conditions: {},
    firstResponseMinutes: 4 * 60,
    resolutionMinutes: 3 * 9 * 60,
  });

  // Escalation: warn the owner before a breach, hand over to the team leader at it, the supervisor later.
  await s.escalations.createRule(sys, {
    name: 'Warn the owner 30 minutes before',
    position: 10,
    clock: 'resolution',
    offsetMinutes: -30,
    actions: { notify: ['assignee'] },
  });
  await s.escalations.createRule(sys, {
    name: 'Team leader takes over at breach',
    position: 20,
    clock: 'resolution',
    offsetMinutes: 0,
    actions: { notify: ['assignee', 'team_leader'], reassignTo: 'team_leader', raisePriority: 'high' },
  });
  await s.escalations.createRule(sys, {
    name: 'Supervisor hears of a first response an hour late',
    position: 30,
    clock: 'first_response',
    offsetMinutes: 60,
    actions: { notify: ['supervisor'], email: true },
  });

  const catIds = new Map<string, string>();
  for (const [parent, kids] of Object.entries(CATEGORY_TREE)) {
    const p = await s.categories.create(sys, { name: parent });
    for (const k of kids) catIds.set(k, (await s.categories.create(sys, { name: k, parentId: p.id })).id);
  }

  await seedTemplatesAndScripts(s, sys);
  // Written and approved by the team leader, so the demo shows an owner and an approver.
  await seedKnowledge(s.knowledge, { userId: lena.id, role: 'team_leader', via: 'session' });

  // Each demo caller with what they say when asked for their particulars (verification compares it with the record).
  const callers: { id: string; name: string; idNumber: string }[] = [];
  for (let i = 0; i < nCustomers; i++) {
    const name = `${r.pick(GIVEN)} ${r.pick(FAMILY)}`;
    const mobile = `+65 ${r.pick(['8', '9'])}${r.int(100, 999)} ${r.int(1000, 9999)}`;
    const c = await s.customers.create(sys, {
      displayName: name,
      idType: 'nric',
      idNumber: `${r.pick(['S', 'T'])}${String(r.int(0, 9_999_999)).padStart(7, '0')}${r.pick('ABCDEFGHIZJ'.split(''))}`,
      dateOfBirth: `${r.int(1950, 2005)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
      phones: [{ kind: 'mobile', number: mobile }],
      emails: [`${name.toLowerCase().replace(/[^a-z]+/g, '.')}${i}@example.com`],
      address: `Blk ${r.int(1, 999)} ${r.pick(['Tampines', 'Jurong West', 'Ang Mo Kio', 'Bedok', 'Woodlands', 'Toa Payoh'])} St ${r.int(10, 99)}, #${String(r.int(2, 20)).padStart(2, '0')}-${r.int(100, 999)}, Singapore ${r.int(100000, 829999)}`,
      preferredLanguage: r.pick(LANGS),
      preferredChannel: r.pick(['phone', 'phone', 'email', 'sms', 'chat'] as const),
      particularNeeds: r.chance(0.05)
        ? [{ kind: 'hearing_impaired', detail: 'Use text relay or SMS; do not call by voice' }]
        : r.chance(0.04)
          ? [{ kind: 'language', detail: 'Prefers a Tamil-speaking officer' }]
          : [],
      consent: { marketing: r.chance(0.4), sms: r.chance(0.8), email: r.chance(0.7), callRecording: true },
      segment: r.pick(['consumer', 'consumer', 'consumer', 'premium', 'business']),
    });
    const nAcc = r.chance(0.25) ? 2 : 1;
    for (let a = 0; a < nAcc; a++) {
      const services: { kind: 'mobile' | 'line' | 'broadband'; number: string; plan: string }[] = [];
      services.push({
        kind: 'mobile',
        number: a === 0 ? mobile : `+65 9${r.int(100, 999)} ${r.int(1000, 9999)}`,
        plan: r.pick(PLANS.slice(0, 4)),
      });
      if (r.chance(0.4))
        services.push({
          kind: 'line',
          number: `+65 6${r.int(100, 999)} ${r.int(1000, 9999)}`,
          plan: 'Home Line',
        });
      if (r.chance(0.3))
        services.push({
          kind: 'broadband',
          number: `FB${r.int(100000, 999999)}`,
          plan: r.pick(['Fibre 1G', 'Fibre 500M']),
        });
      await s.customers.addAccount(
        sys,
        c.id,
        {
          accountNumber: `AC${String(10_000_000 + i * 10 + a)}`,
          currency: 'SGD',
          creditClass: r.pick(['A', 'A', 'B', 'B', 'C']),
          services,
        },
        undefined,
      );
    }
    callers.push({ id: c.id, name: c.displayName, idNumber: c.idNumber ?? '' });
  }

  const officers: Actor[] = [olivia, tom, lena].map((u) => ({
    userId: u.id,
    role: u.role,
    via: 'session' as const,
  }));
  const billingActor: Actor = { userId: billingLead.id, role: 'team_leader', via: 'session' };
  for (let i = 0; i < nCases; i++) {
    opts.beforeCase?.(i);
    // Spread over the last 90 days, oldest first, so references rise with time.
    clock.set(new Date(now - (90 - (90 * i) / nCases) * 86_400_000 + r.int(0, 3_600_000)));
    const officer = r.pick(officers);
    const t = r.pick(SUBJECTS);
    const caller = r.pick(callers);
    const contact = await s.contacts.create(officer, {
      channel: r.chance(0.9) ? 'phone' : 'walk_in',
      direction: 'inbound',
      customerId: caller.id,
    });
    await s.contacts.verify(officer, contact.id, {
      answers: [
        { particular: 'name', value: caller.name },
        { particular: 'id_number', value: caller.idNumber },
      ],
    });
    const critical = t.type === 'complaint' && r.chance(0.2);
    const c = await s.cases.create(officer, {
      contactId: contact.id,
      type: t.type,
      subject: t.subject,
      description: `Customer called: ${t.subject.toLowerCase()}.`,
      categoryId: catIds.get(t.cat) ?? null,
      criticality: critical ? 'highly_critical' : 'not_highly_critical',
    });
    clock.advance(r.int(120, 900) * 1000);
    await s.contacts.update(officer, contact.id, { end: true, notes: 'Enquiry logged.' });
    const age = 90 - (90 * i) / nCases;
    const transitions: CaseAction[] = [];
    if (t.type === 'compliment' || t.type === 'feedback' || t.type === 'general_enquiry') {
      transitions.push('resolve');
      if (age > 7) transitions.push('close');
    } else if (t.cat === 'Charges dispute' || t.cat === 'Refund' || t.cat === 'Payment arrangement') {
      await s.cases.refer(officer, c.id, {
        mode: 'transfer',
        departmentId: billing.id,
        reason: 'Billing adjustment needed',
        urgent: critical,
      });
      if (age > 5) {
        clock.advance(r.int(1, 48) * 3_600_000);
        await s.cases.addNote(billingActor, c.id, {
          visibility: 'internal',
          body: 'Checked the bill; adjustment applied.',
        });
        await s.cases.transition(billingActor, c.id, {
          action: 'resolve',
          resolutionSummary: 'Charges corrected and explained to the customer.',
          customerConfirmed: r.chance(0.85),
        });
        if (age > 10) await s.cases.transition(billingActor, c.id, { action: 'close' });
      }
      continue;
    } else if (t.cat === 'No service' || t.cat === 'Slow data') {
      await s.cases.refer(officer, c.id, {
        mode: 'transfer',
        departmentId: tech.id,
        reason: 'Network fault check',
        urgent: critical,
      });
      if (age > 3) {
        clock.advance(r.int(1, 72) * 3_600_000);
        await s.cases.transition(officer, c.id, {
          action: 'resolve',
          resolutionSummary: 'Cell site repaired; service restored.',
          customerConfirmed: r.chance(0.8),
        });
        if (age > 10) await s.cases.transition(officer, c.id, { action: 'close' });
      }
      continue;
    } else if (age > 4) {
      transitions.push('resolve');
      if (age > 10) transitions.push('close');
    } else if (r.chance(0.5)) {
      transitions.push('await_customer');
    }
    for (const action of transitions) {
      clock.advance(r.int(5, 600) * 60_000);
      await s.cases.transition(officer, c.id, {
        action,
        ...(action === 'resolve'
          ? {
              resolutionSummary: 'Explained and actioned as agreed with the customer.',
              customerConfirmed: r.chance(0.9),
            }
          : {}),
      });
    }
  }
  // The historic contacts leave each officer in after-contact work, whose timer would make them
  // available the moment the server starts, signed in or not, and routing would offer chats to
  // people who are not there. The demo's people begin signed out, as anyone who has not signed in.
  clock.set(new Date(Math.max(now, clock.now().getTime())));
  for (const o of officers) await s.presence.signedOut(o);
  void collections;
  fs.mkdirSync(base.config.dataDir, { recursive: true });
  fs.writeFileSync(demoPasswordFile(base.config), `${password}\n`, { mode: 0o600 });
  return { customers: nCustomers, cases: nCases, password };
}
