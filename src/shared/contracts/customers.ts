import { type Static, Type } from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';

export const CHANNELS = ['phone', 'email', 'chat', 'sms', 'letter', 'walk_in'] as const;
export const ChannelSchema = StringEnum(CHANNELS);

const PhoneNumber = Type.String({ minLength: 3, maxLength: 40, pattern: '^[0-9+()\\- .]+$' });
export const PhoneInput = Type.Object(
  { kind: StringEnum(['mobile', 'line', 'work', 'other'] as const), number: PhoneNumber },
  { additionalProperties: false },
);
export const ParticularNeed = Type.Object(
  {
    kind: StringEnum([
      'hearing_impaired',
      'speech_impaired',
      'visually_impaired',
      'language',
      'cultural',
      'mobility',
      'other',
    ] as const),
    detail: Type.String({ maxLength: 300, description: 'What to do, e.g. "use text relay"' }),
  },
  { additionalProperties: false },
);
export const Consent = Type.Object(
  {
    marketing: Type.Boolean(),
    sms: Type.Boolean(),
    email: Type.Boolean(),
    callRecording: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const ID_TYPES = ['nric', 'fin', 'passport', 'company_reg', 'other'] as const;

const customerFields = {
  displayName: Type.String({ minLength: 1, maxLength: 200 }),
  idType: Nullable(StringEnum(ID_TYPES)),
  idNumber: Nullable(Type.String({ minLength: 3, maxLength: 40, pattern: '^[A-Za-z0-9 -]+$' })),
  dateOfBirth: Nullable(Type.String({ format: 'date' })),
  phones: Type.Array(PhoneInput, { maxItems: 10 }),
  emails: Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 10 }),
  address: Nullable(Type.String({ maxLength: 500 })),
  preferredLanguage: Nullable(
    Type.String({ minLength: 2, maxLength: 35, description: 'BCP 47 tag, e.g. en, zh-Hans, ms, ta' }),
  ),
  preferredChannel: Nullable(ChannelSchema),
  particularNeeds: Type.Array(ParticularNeed, { maxItems: 10 }),
  consent: Consent,
  segment: Nullable(Type.String({ maxLength: 40 })),
};

export const CustomerCreate = Type.Object(
  {
    displayName: customerFields.displayName,
    idType: Type.Optional(customerFields.idType),
    idNumber: Type.Optional(customerFields.idNumber),
    dateOfBirth: Type.Optional(customerFields.dateOfBirth),
    phones: Type.Optional(customerFields.phones),
    emails: Type.Optional(customerFields.emails),
    address: Type.Optional(customerFields.address),
    preferredLanguage: Type.Optional(customerFields.preferredLanguage),
    preferredChannel: Type.Optional(customerFields.preferredChannel),
    particularNeeds: Type.Optional(customerFields.particularNeeds),
    consent: Type.Optional(customerFields.consent),
    segment: Type.Optional(customerFields.segment),
  },
  { additionalProperties: false },
);
export type CustomerCreateDto = Static<typeof CustomerCreate>;
export const CustomerPatch = Type.Object(
  {
    displayName: Type.Optional(customerFields.displayName),
    idType: Type.Optional(customerFields.idType),
    idNumber: Type.Optional(customerFields.idNumber),
    dateOfBirth: Type.Optional(customerFields.dateOfBirth),
    phones: Type.Optional(customerFields.phones),
    emails: Type.Optional(customerFields.emails),
    address: Type.Optional(customerFields.address),
    preferredLanguage: Type.Optional(customerFields.preferredLanguage),
    preferredChannel: Type.Optional(customerFields.preferredChannel),
    particularNeeds: Type.Optional(customerFields.particularNeeds),
    consent: Type.Optional(customerFields.consent),
    segment: Type.Optional(customerFields.segment),
    contactId: Type.Optional(Uuid),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CustomerPatchDto = Static<typeof CustomerPatch>;

export const Service = Type.Object({
  id: Uuid,
  kind: Type.String(),
  number: Type.String(),
  plan: Nullable(Type.String()),
  status: Type.String(),
});
export const Account = Type.Object({
  id: Uuid,
  customerId: Uuid,
  accountNumber: Type.String(),
  status: Type.String(),
  creditClass: Nullable(Type.String()),
  balanceMinor: Nullable(Type.Integer({ description: 'Integer minor units; null while masked' })),
  currency: Type.String(),
  billingAddress: Nullable(Type.String()),
  openedAt: Timestamp,
  services: Type.Array(Service),
});
export type AccountDto = Static<typeof Account>;

export const ServiceInput = Type.Object(
  {
    kind: StringEnum(['mobile', 'line', 'broadband', 'tv', 'other'] as const),
    number: Type.String({ minLength: 3, maxLength: 40 }),
    plan: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  },
  { additionalProperties: false },
);
const AccountNumber = Type.String({ minLength: 4, maxLength: 30, pattern: '^[A-Za-z0-9-]+$' });
export const AccountCreate = Type.Object(
  {
    accountNumber: AccountNumber,
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    creditClass: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
    billingAddress: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    services: Type.Optional(Type.Array(ServiceInput, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export const AccountPatch = Type.Object(
  {
    contactId: Type.Optional(Uuid),
    status: Type.Optional(StringEnum(['active', 'suspended', 'closed'] as const)),
    billingAddress: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    addServices: Type.Optional(Type.Array(ServiceInput, { maxItems: 10 })),
  },
  { additionalProperties: false },
);

export const Customer = Type.Object({
  id: Uuid,
  displayName: Type.String(),
  idType: Nullable(Type.String()),
  idNumber: Nullable(Type.String()),
  dateOfBirth: Nullable(Type.String()),
  phones: Type.Array(Type.Object({ kind: Type.String(), number: Type.String() })),
  emails: Type.Array(Type.String()),
  address: Nullable(Type.String()),
  preferredLanguage: Nullable(Type.String()),
  preferredChannel: Nullable(Type.String()),
  particularNeeds: Type.Array(Type.Object({ kind: Type.String(), detail: Type.String() })),
  consent: Consent,
  segment: Nullable(Type.String()),
  masked: Type.Boolean({ description: 'True when particulars are masked: role or unverified contact' }),
  accounts: Type.Array(Account),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: Type.Integer(),
  /** Set when the record asked for was merged into this one: the answer is the record kept. */
  mergedFromId: Type.Optional(Uuid),
});
export type CustomerDto = Static<typeof Customer>;

export const MATCH_KINDS = [
  'id_number',
  'account_number',
  'phone',
  'email',
  'service_number',
  'name',
] as const;
export const CustomerSearchHit = Type.Object({
  id: Uuid,
  displayName: Type.String(),
  idNumber: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  matchedOn: Nullable(StringEnum(MATCH_KINDS)),
  score: Nullable(Type.Number()),
});
/** GET /customers: a page of the list, or a search's best matches with whether more match. */
export const CustomerSearchPage = Type.Object({
  items: Type.Array(CustomerSearchHit),
  nextCursor: Nullable(Type.String()),
  more: Type.Optional(
    Type.Boolean({
      description:
        'A search only: more customers match than the page holds (narrow it by ID, phone, account or e-mail).',
    }),
  ),
});

export const CustomerListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
export const CustomerGetQuery = Type.Object(
  { contactId: Type.Optional(Uuid) },
  { additionalProperties: false },
);

/** Someone else already holds a particular being registered: a warning naming them (masked per role). */
export const DuplicateHolder = Type.Object({
  field: StringEnum(['idNumber', 'phones', 'emails'] as const),
  value: Type.String({ description: 'The value as given in the request' }),
  customer: CustomerSearchHit,
});
export type DuplicateHolderDto = Static<typeof DuplicateHolder>;
export const DuplicateCheck = Type.Object(
  {
    idNumber: Type.Optional(customerFields.idNumber),
    phones: Type.Optional(Type.Array(PhoneNumber, { maxItems: 10 })),
    emails: Type.Optional(Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 10 })),
    exceptId: Type.Optional(Uuid),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const DuplicateCheckResult = Type.Object({ holders: Type.Array(DuplicateHolder) });
/** A registered customer, with who else holds the same phone or e-mail (a warning, not a refusal). */
export const CustomerCreated = Type.Object({
  ...Customer.properties,
  duplicates: Type.Array(DuplicateHolder),
});

export const CustomerMerge = Type.Object(
  {
    otherCustomerId: Uuid,
    winner: StringEnum(['this', 'other'] as const, {
      description: 'Which record is kept: this one (the path) or the other',
    }),
  },
  { additionalProperties: false },
);
export type CustomerMergeDto = Static<typeof CustomerMerge>;
export const CustomerMergeResult = Type.Object({
  winnerId: Uuid,
  loserId: Uuid,
  mergedAt: Timestamp,
  accountsMoved: Type.Integer(),
  customer: Customer,
});
export type CustomerMergeResultDto = Static<typeof CustomerMergeResult>;
