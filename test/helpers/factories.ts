import type { Actor } from '../../src/server/platform/audit.ts';
import type { CaseCreateDto } from '../../src/shared/contracts/cases.ts';
import type { CustomerCreateDto } from '../../src/shared/contracts/customers.ts';
import type { TestApp } from './app.ts';

let n = 0;
const seq = () => ++n;

/** A customer with one account and a mobile service; overrides win. */
export async function buildCustomer(t: TestApp, overrides: Partial<CustomerCreateDto> = {}, actor?: Actor) {
  const i = seq();
  const a = actor ?? t.users.officer.actor;
  const input: CustomerCreateDto = {
    displayName: `Customer ${i} Tan`,
    idType: 'nric',
    idNumber: `S${String(1000000 + i).padStart(7, '0')}Z`,
    dateOfBirth: '1980-05-17',
    phones: [{ kind: 'mobile', number: `+65 9${String(1000000 + i).slice(-7)}` }],
    emails: [`customer${i}@example.com`],
    ...overrides,
  };
  const c = await t.services.customers.create(a, input);
  const account = await t.services.customers.addAccount(
    { userId: 'system', role: 'administrator', via: 'system' },
    c.id,
    {
      accountNumber: `AC${String(90000000 + i)}`,
      services: [{ kind: 'line', number: `+65 6${String(1000000 + i).slice(-7)}`, plan: 'Home Line' }],
    },
    undefined,
  );
  // What the customer would say when asked (the record as created, unmasked), for verification.
  return { ...c, account, said: { name: input.displayName, idNumber: input.idNumber ?? '' } };
}

export async function buildContact(t: TestApp, customerId: string | null, actor?: Actor) {
  return t.services.contacts.create(actor ?? t.users.officer.actor, {
    channel: 'phone',
    direction: 'inbound',
    customerId,
  });
}

/** A verified contact on a fresh customer. */
export async function buildVerifiedContact(t: TestApp, actor?: Actor) {
  const customer = await buildCustomer(t);
  const contact = await buildContact(t, customer.id, actor);
  await t.services.contacts.verify(actor ?? t.users.officer.actor, contact.id, {
    answers: [
      { particular: 'name', value: customer.said.name },
      { particular: 'id_number', value: customer.said.idNumber },
    ],
  });
  return { customer, contact };
}

export async function buildCase(t: TestApp, overrides: Partial<CaseCreateDto> = {}, actor?: Actor) {
  const customer = await buildCustomer(t);
  const contact = await buildContact(t, customer.id, actor);
  const c = await t.services.cases.create(actor ?? t.users.officer.actor, {
    contactId: contact.id,
    type: 'complaint',
    subject: 'Charged twice',
    ...overrides,
  });
  return { case: c, customer, contact };
}

/** An office-hours calendar and a catch-all SLA policy on it. */
export async function buildSla(t: TestApp) {
  const system = { userId: 'system', role: 'administrator', via: 'system' } as const;
  const calendar = await t.services.calendars.create(system, {
    name: 'Office',
    timeZone: 'Asia/Singapore',
    hours: { '1': [['09:00', '17:00']] },
  });
  const policy = await t.services.policies.create(system, {
    name: 'Standard',
    position: 100,
    calendarId: calendar.id,
    conditions: {},
    resolutionMinutes: 600,
  });
  return { calendar, policy };
}
