import { Type } from 'typebox';
import { IdParams, Page, PageQuery, Uuid } from '../../../shared/contracts/common.ts';
import {
  Contact,
  ContactCreate,
  ContactDraftBody,
  ContactPatch,
  CurrentContact,
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
    async (req) => s.contacts.list(actorOf(req), { ...req.query, limit: req.query.limit ?? 50 }),
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
    '/contacts/current',
    {
      config: { access: 'contacts.write' },
      schema: {
        tags,
        description:
          'The caller’s contact in progress (their latest open contact) with its verification and draft, so the desktop resumes it after navigation or a reload; `null` when none.',
        response: { 200: CurrentContact },
      },
    },
    async (req) => s.contacts.current(actorOf(req)),
  );
  app.get(
    '/contacts/:id',
    { config: { access: 'contacts.read' }, schema: { tags, params: IdParams, response: { 200: Contact } } },
    async (req) => s.contacts.get(actorOf(req), req.params.id),
  );
  app.put(
    '/contacts/:id/draft',
    {
      config: { access: 'contacts.write' },
      schema: {
        tags,
        description:
          'Keep the unsaved parts of the contact’s form (type, category, outcome, notes…) on the server; only the handling officer, only while the contact is open. Up to 32 KB.',
        params: IdParams,
        body: ContactDraftBody,
      },
    },
    async (req, reply) => {
      await s.contacts.saveDraft(actorOf(req), req.params.id, req.body.data);
      return reply.code(204).send();
    },
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
          'Record what the caller gave for each particular: the server compares it with the record (never revealing it), records match / mismatch, and answers whether the policy is now met. Only the handling officer, while the contact is open; locked after repeated mismatches.',
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
