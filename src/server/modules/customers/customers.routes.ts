import { Type } from 'typebox';
import { IdParams, Page, Uuid } from '../../../shared/contracts/common.ts';
import {
  Account,
  AccountCreate,
  AccountPatch,
  Customer,
  CustomerCreate,
  CustomerGetQuery,
  CustomerListQuery,
  CustomerPatch,
  CustomerSearchHit,
} from '../../../shared/contracts/customers.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { CustomersService } from './customers.service.ts';

export function customersRoutes(app: App, s: { customers: CustomersService }) {
  const tags = ['customers'];
  app.get(
    '/customers',
    {
      config: { access: 'customers.read' },
      schema: {
        tags,
        description:
          'With `q`: one search box over name (word prefixes), ID number, mobile or line number (any format), e-mail and account number, best match first. Without: newest first, paginated.',
        querystring: CustomerListQuery,
        response: { 200: Page(CustomerSearchHit) },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 20;
      if (req.query.q)
        return { items: await s.customers.search(actorOf(req), req.query.q, limit), nextCursor: null };
      return s.customers.list(actorOf(req), limit, req.query.cursor);
    },
  );
  app.post(
    '/customers',
    {
      config: { access: 'customers.write' },
      schema: { tags, body: CustomerCreate, response: { 201: Customer } },
    },
    async (req, reply) => {
      const c = await s.customers.create(actorOf(req), req.body);
      reply.code(201).header('location', `/api/v1/customers/${c.id}`);
      return c;
    },
  );
  app.get(
    '/customers/:id',
    {
      config: { access: 'customers.read' },
      schema: {
        tags,
        description:
          'Particulars and accounts are masked unless `contactId` names a contact on which this customer passed verification.',
        params: IdParams,
        querystring: CustomerGetQuery,
        response: { 200: Customer },
      },
    },
    async (req) => s.customers.get(actorOf(req), req.params.id, req.query.contactId),
  );
  app.patch(
    '/customers/:id',
    {
      config: { access: 'customers.write' },
      schema: {
        tags,
        description:
          'Needs `contactId` of a verified contact, except for back-office roles correcting records.',
        params: IdParams,
        body: CustomerPatch,
        response: { 200: Customer },
      },
    },
    async (req) => s.customers.update(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/customers/:id/accounts',
    {
      config: { access: 'accounts.write' },
      schema: {
        tags,
        params: IdParams,
        body: Type.Object(
          { ...AccountCreate.properties, contactId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: { 201: Account },
      },
    },
    async (req, reply) => {
      const { contactId, ...input } = req.body;
      reply.code(201);
      return s.customers.addAccount(actorOf(req), req.params.id, input, contactId);
    },
  );
  app.patch(
    '/accounts/:id',
    {
      config: { access: 'accounts.write' },
      schema: {
        tags,
        description:
          'An account-changing action: refused unless `contactId` names a contact on which the customer passed verification.',
        params: IdParams,
        body: AccountPatch,
        response: { 200: Account },
      },
    },
    async (req) => s.customers.updateAccount(actorOf(req), req.params.id, req.body),
  );
}
