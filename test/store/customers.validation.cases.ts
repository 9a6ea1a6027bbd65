import { test } from 'node:test';
import type { BodyRoute, Env, IdRoute, QueryCase, ValidationCases } from '../helpers/validation.ts';

/**
 * Customers and their accounts: the bad input each route must refuse, beyond the generic bad bodies every JSON
 * route gets. Run by customers.validation.test.ts beside this file; test/api/validation.test.ts checks that, with the
 * other modules' lists, every route with a body or a path id is covered.
 */
export const customersValidation: ValidationCases = {
  body: (v: Env): BodyRoute[] => [
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
      route: 'POST /api/v1/customers/duplicates',
      role: 'officer',
      valid: () => ({ phones: ['+65 9123 4567'] }),
      cases: [
        { name: 'nothing to check', body: {}, fields: ['/body'] },
        {
          name: 'a string for an array, an e-mail that is not one',
          body: { phones: '+65 9123 4567', emails: ['nope'] },
          fields: ['/body/phones', '/body/emails/0'],
        },
        {
          name: 'a phone with letters, an exceptId that is not a UUID',
          body: { phones: ['call me'], exceptId: 'abc' },
          fields: ['/body/phones/0', '/body/exceptId'],
        },
      ],
    },
    {
      route: 'POST /api/v1/customers/:id/merge',
      role: 'supervisor',
      id: () => v.fx.customer.id,
      valid: () => ({ otherCustomerId: v.fx.verified.customer.id, winner: 'this' }),
      cases: [
        { name: 'missing both fields', body: {}, fields: ['/body/otherCustomerId', '/body/winner'] },
        {
          name: 'an id that is not a UUID, a winner that is neither',
          body: { otherCustomerId: 'abc', winner: 'both' },
          fields: ['/body/otherCustomerId', '/body/winner'],
        },
        {
          name: 'the same customer on both sides',
          body: () => ({ otherCustomerId: v.fx.customer.id, winner: 'other' }),
          fields: ['/body/otherCustomerId'],
        },
        {
          name: 'another customer that does not exist → 404 customer.not_found',
          body: { otherCustomerId: '00000000-0000-7000-8000-000000000001', winner: 'this' },
          status: 404,
          code: 'customer.not_found',
          fields: ['/body/otherCustomerId'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/customers/:id',
      role: 'supervisor',
      id: () => v.fx.customer.id,
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
          body: () => ({ segment: 'gold', contactId: v.fx.contact.id }),
          status: 403,
          code: 'contact.not_verified',
        },
        {
          name: 'a patch naming only the verifying contact, with nothing to change',
          role: 'officer',
          id: () => v.fx.verified.customer.id,
          body: () => ({ contactId: v.fx.verified.contact.id }),
          fields: ['/body'],
        },
        {
          name: "an officer with another customer's verified contact → 403 contact.not_verified",
          role: 'officer',
          body: () => ({ segment: 'gold', contactId: v.fx.verified.contact.id }),
          status: 403,
          code: 'contact.not_verified',
        },
      ],
    },
    {
      route: 'POST /api/v1/customers/:id/accounts',
      role: 'supervisor',
      id: () => v.fx.customer.id,
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
          body: () => ({ accountNumber: v.fx.accountNumber.toLowerCase() }),
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
      id: () => v.fx.verified.customer.account.id,
      valid: () => ({ billingAddress: '1 Main Street', contactId: v.fx.verified.contact.id }),
      cases: [
        {
          name: 'a status that does not exist, a service without a number',
          body: () => ({
            status: 'frozen',
            addServices: [{ kind: 'mobile' }],
            contactId: v.fx.verified.contact.id,
          }),
          fields: ['/body/status', '/body/addServices/0/number'],
        },
        {
          name: 'a number for a string',
          body: () => ({ billingAddress: 12, contactId: v.fx.verified.contact.id }),
          fields: ['/body/billingAddress'],
        },
        {
          name: 'an empty patch',
          body: {},
          fields: ['/body'],
        },
        {
          name: 'a patch naming only the verifying contact, with nothing to change',
          body: () => ({ contactId: v.fx.verified.contact.id }),
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
          body: () => ({ status: 'suspended', contactId: v.fx.contact.id }),
          status: 403,
          code: 'contact.not_verified',
        },
      ],
    },
  ],
  ids: (v: Env): IdRoute[] => [
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
      route: 'POST /api/v1/customers/:id/merge',
      role: 'supervisor',
      body: () => ({ otherCustomerId: v.fx.customer.id, winner: 'this' }),
      notFound: 'customer.not_found',
    },
    {
      route: 'PATCH /api/v1/accounts/:id',
      role: 'supervisor',
      body: () => ({ status: 'active', contactId: v.fx.verified.contact.id }),
      notFound: 'account.not_found',
    },
  ],
  queries: (v: Env): QueryCase[] => [
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
      url: () => `/api/v1/customers/${v.fx.customer.id}?contactId=nope`,
      fields: ['/query/contactId'],
    },
    {
      name: '/api/v1/customers/:id unknown parameter',
      role: 'officer',
      url: () => `/api/v1/customers/${v.fx.customer.id}?unmask=true`,
      fields: ['/query/unmask'],
    },
  ],
  extra: (v: Env) => {
    test('a NUL character in a text field is refused with 400, never stored or a 500', {}, async () => {
      await v.rejected(
        'POST /api/v1/customers with NUL',
        'officer',
        'POST',
        '/api/v1/customers',
        { body: { displayName: 'Tan\u0000Mei' } },
        { status: 400, code: 'request.invalid', fields: ['/body/displayName'] },
      );
    });
  },
};
