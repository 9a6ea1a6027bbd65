import { Type } from 'typebox';
import { IdParams, Uuid } from '../../../shared/contracts/common.ts';
import {
  Account,
  AccountCreate,
  AccountPatch,
  Customer,
  CustomerCreate,
  CustomerCreated,
  CustomerGetQuery,
  CustomerListQuery,
  CustomerMerge,
  CustomerMergeResult,
  CustomerPatch,
  CustomerSearchPage,
  DuplicateCheck,
  DuplicateCheckResult,
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
        response: { 200: CustomerSearchPage },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 20;
      if (req.query.q)
        return { ...(await s.customers.searchPage(actorOf(req), req.query.q, limit)), nextCursor: null };
      return s.customers.list(actorOf(req), limit, req.query.cursor);
    },
  );
  app.post(
    '/customers',
    {
      config: { access: 'customers.write' },
      schema: {
        tags,
        description:
          'Registers a customer. An ID number held by another customer is refused (409, naming the holder); a phone or e-mail held by another is accepted and listed in `duplicates`.',
        body: CustomerCreate,
        response: { 201: CustomerCreated },
      },
    },
    async (req, reply) => {
      const c = await s.customers.create(actorOf(req), req.body);
      reply.code(201).header('location', `/api/v1/customers/${c.id}`);
      return c;
    },
  );
  app.post(
    '/customers/duplicates',
    {
      config: { access: 'customers.write' },
      schema: {
        tags,
        description:
          'Who already holds an ID number, phone or e-mail (before registering or correcting): a warning to show, masked per role. In the body, not the query, so particulars stay out of logs.',
        body: DuplicateCheck,
        response: { 200: DuplicateCheckResult },
      },
    },
    async (req) => ({ holders: await s.customers.duplicates(actorOf(req), req.body) }),
  );
  app.post(
    '/customers/:id/merge',
    {
      config: { access: 'customers.merge' },
      schema: {
        tags,
        description:
          "Merge two records of one customer. The winner keeps its particulars and gains the loser's accounts, contacts, cases, phones and e-mails; the loser points to the winner (reads of it answer with the winner). Replaying a done merge changes nothing.",
        params: IdParams,
        body: CustomerMerge,
        response: { 200: CustomerMergeResult },
      },
    },
    async (req) => s.customers.merge(actorOf(req), req.params.id, req.body),
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
    async (req, reply) => {
      const c = await s.customers.get(actorOf(req), req.params.id, req.query.contactId);
      // A merged record answers with the one kept; say where it lives now.
      if (c.mergedFromId) reply.header('content-location', `/api/v1/customers/${c.id}`);
      return c;
    },
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
