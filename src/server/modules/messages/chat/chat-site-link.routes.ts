import { Type } from 'typebox';
import {
  ChatSiteLink,
  CustomerSiteAccountParams,
  CustomerSiteAccounts,
} from '../../../../shared/contracts/chat.ts';
import { IdParams } from '../../../../shared/contracts/common.ts';
import { type App, actorOf } from '../../../platform/types.ts';
import type { ChatSiteLinks } from './chat-site-link.ts';

/**
 * A chat's site sign-in, confirmed as the case's customer or unlinked from them (issue 14, point 3):
 * a change to who the customer is, so customers.write; the service then demands the chat's contact
 * be the caller's, and for a confirmation that they verified the customer on it by the questions.
 */
export function chatSiteLinkRoutes(app: App, s: { chatSiteLinks: ChatSiteLinks }) {
  const tags = ['chat'];
  app.post(
    '/cases/:id/chat/site-link/confirm',
    {
      config: { access: 'customers.write' },
      schema: {
        tags,
        description:
          "The officer handling the chat, having verified its customer by the verification policy's questions on the chat's contact, confirms that the site account the visitor is signed in to is this customer. From then a sign-in with it counts as the policy's `siteSignIn` says. Confirming again changes nothing. 403 contact.not_verified before the questions are met.",
        params: IdParams,
        response: { 200: ChatSiteLink },
      },
    },
    async (req) => s.chatSiteLinks.confirm(actorOf(req), req.params.id),
  );
  app.delete(
    '/cases/:id/chat/site-link',
    {
      config: { access: 'customers.write' },
      schema: {
        tags,
        description:
          "The chat's visitor is not this customer: the site account's link to the record is removed and what its sign-in counted for on the chat's contact is withdrawn. The site account's next chat is linked afresh, unconfirmed. Only the officer handling the chat.",
        params: IdParams,
        response: { 200: ChatSiteLink },
      },
    },
    async (req) => s.chatSiteLinks.unlink(actorOf(req), req.params.id),
  );
  app.get(
    '/customers/:id/site-accounts',
    {
      config: { access: 'customers.read' },
      schema: {
        tags,
        description:
          "The site accounts linked to this customer record by the chat widget (each site's customer id), how each was linked and who confirmed it.",
        params: IdParams,
        response: { 200: CustomerSiteAccounts },
      },
    },
    async (req) => ({ items: await s.chatSiteLinks.ofCustomer(req.params.id) }),
  );
  app.delete(
    '/customers/:id/site-accounts/:widgetId/:siteCustomerId',
    {
      // Who may say two records are one person may say a site account is not this one.
      config: { access: 'customers.merge' },
      schema: {
        tags,
        description:
          "This site account is not this customer, found after its chats: the link is removed (audited customer.site_link_removed) and the account's next chat is linked afresh, unconfirmed. What its sign-ins counted for on past contacts stays. 409 chat.site_link_in_use while one of its chats is live (the officer handling it unlinks it in the chat). 204.",
        params: CustomerSiteAccountParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      const p = req.params;
      await s.chatSiteLinks.unlinkFromCustomer(actorOf(req), p.id, p.widgetId, p.siteCustomerId);
      reply.code(204);
      return null;
    },
  );
}
