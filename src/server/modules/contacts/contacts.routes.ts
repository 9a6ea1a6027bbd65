import { Type } from 'typebox';
import { IdParams, Page, PageQuery, Uuid } from '../../../shared/contracts/common.ts';
import {
  Contact,
  ContactCreate,
  ContactPatch,
  StandardPhrases,
  Verification,
  VerificationBody,
  VerificationPolicy,
} from '../../../shared/contracts/contacts.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { ContactsService } from './contacts.service.ts';

export function contactsRoutes(app: App, s: { contacts: ContactsService }) {
  const tags = ['contacts'];
  app.get(
    '/contacts',
    {
      config: { access: 'contacts.read' },
      schema: {
        tags,
        querystring: Type.Object(
          { customerId: Type.Optional(Uuid), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: Page(Contact) },
      },
    },
    async (req) => s.contacts.list({ ...req.query, limit: req.query.limit ?? 50 }),
  );
  app.post(
    '/contacts',
    {
      config: { access: 'contacts.write' },
      schema: {
        tags,
        description: 'Log a phone call or walk-in. Other channels arrive through their adapters.',
        body: ContactCreate,
        response: { 201: Contact },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.contacts.create(actorOf(req), req.body);
    },
  );
  app.get(
    '/contacts/:id',
    { config: { access: 'contacts.read' }, schema: { tags, params: IdParams, response: { 200: Contact } } },
    async (req) => s.contacts.get(req.params.id),
  );
  app.patch(
    '/contacts/:id',
    {
      config: { access: 'contacts.write' },
      schema: { tags, params: IdParams, body: ContactPatch, response: { 200: Contact } },
    },
    async (req) => s.contacts.update(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/contacts/:id/verification',
    {
      config: { access: 'contacts.write' },
      schema: {
        tags,
        description:
          'Record which particulars were checked and how they matched; answers whether the policy is now met.',
        params: IdParams,
        body: VerificationBody,
        response: { 201: Verification },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.contacts.verify(actorOf(req), req.params.id, req.body);
    },
  );
  app.get(
    '/settings/verification-policy',
    {
      config: { access: 'contacts.read' },
      schema: { tags: ['settings'], response: { 200: VerificationPolicy } },
    },
    async () => s.contacts.policy(),
  );
  app.put(
    '/settings/verification-policy',
    {
      config: { access: 'settings.manage' },
      schema: { tags: ['settings'], body: VerificationPolicy, response: { 200: VerificationPolicy } },
    },
    async (req) => s.contacts.setPolicy(actorOf(req), req.body),
  );
  app.get(
    '/settings/phrases',
    {
      config: { access: 'contacts.read' },
      schema: { tags: ['settings'], response: { 200: StandardPhrases } },
    },
    async () => s.contacts.phrases(),
  );
  app.put(
    '/settings/phrases',
    {
      config: { access: 'settings.manage' },
      schema: { tags: ['settings'], body: StandardPhrases, response: { 200: StandardPhrases } },
    },
    async (req) => s.contacts.setPhrases(actorOf(req), req.body),
  );
}
