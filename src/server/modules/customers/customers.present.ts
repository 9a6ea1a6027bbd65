import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import type { AccountDto, CustomerDto, CustomerSearchHit } from '../../../shared/contracts/customers.ts';
import type { AccountsTable, CustomersTable, ServicesTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { mask, maskEmail } from './normalize.ts';

type Phone = { kind: string; number: string };
type CustomerHitDto = Static<typeof CustomerSearchHit>;
type Need = { kind: string; detail: string };
const NO_CONSENT = { marketing: false, sms: false, email: false, callRecording: false };

export function presentAccount(
  a: Selectable<AccountsTable>,
  services: Selectable<ServicesTable>[],
  masked: boolean,
): AccountDto {
  return {
    id: a.id,
    customerId: a.customer_id,
    accountNumber: masked ? mask(a.account_number)! : a.account_number,
    status: a.status,
    creditClass: masked ? null : a.credit_class,
    balanceMinor: masked ? null : Number(a.balance_minor),
    currency: a.currency,
    billingAddress: masked ? null : a.billing_address,
    openedAt: a.opened_at,
    services: services.map((s) => ({
      id: s.id,
      kind: s.kind,
      number: masked ? mask(s.number)! : s.number,
      plan: s.plan,
      status: s.status,
    })),
  };
}

/**
 * The customer as the caller may see it. Masked: identity and account particulars show only their
 * last characters until the contact is verified (or the role needs them); name, particular needs
 * and language always show, because the officer needs them to greet and accommodate.
 */
export function presentCustomer(
  c: Selectable<CustomersTable>,
  accounts: AccountDto[],
  masked: boolean,
): CustomerDto {
  const phones = parseJson<Phone[]>(c.phones, []);
  const emails = parseJson<string[]>(c.emails, []);
  return {
    id: c.id,
    displayName: c.display_name,
    idType: c.id_type,
    idNumber: masked ? mask(c.id_number) : c.id_number,
    dateOfBirth: masked ? (c.date_of_birth ? '****-**-**' : null) : c.date_of_birth,
    phones: masked ? phones.map((p) => ({ kind: p.kind, number: mask(p.number)! })) : phones,
    emails: masked ? emails.map(maskEmail) : emails,
    address: masked ? (c.address ? '(hidden until verified)' : null) : c.address,
    preferredLanguage: c.preferred_language,
    preferredChannel: c.preferred_channel,
    particularNeeds: parseJson<Need[]>(c.particular_needs, []),
    consent: { ...NO_CONSENT, ...parseJson(c.consent, {}) },
    segment: c.segment,
    masked,
    accounts,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    version: c.version,
  };
}

/** The unmasked record, as the audit trail keeps it. */
export function auditShape(c: Selectable<CustomersTable>) {
  return presentCustomer(c, [], false);
}

/** One line of a search or list: enough to pick the right caller, masked unless the role sees particulars. */
export function presentHit(
  c: Pick<Selectable<CustomersTable>, 'id' | 'display_name' | 'id_number' | 'phones'>,
  unmasked: boolean,
  matchedOn: CustomerHitDto['matchedOn'],
  score: number | null,
): CustomerHitDto {
  const first = parseJson<Phone[]>(c.phones, [])[0]?.number ?? null;
  return {
    id: c.id,
    displayName: c.display_name,
    idNumber: unmasked ? c.id_number : mask(c.id_number),
    phone: unmasked ? first : mask(first),
    matchedOn,
    score,
  };
}
