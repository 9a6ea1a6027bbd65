import { Type } from 'typebox';
import { IdParams } from '../../../shared/contracts/common.ts';
import { Mailbox, MailboxCreate, MailboxPatch } from '../../../shared/contracts/mailboxes.ts';
import {
  DeadLetter,
  InboundItem,
  InboundQuery,
  Message,
  MessageRecipients,
  MessageUpload,
  MessageUploadHeaders,
  ReplyCreate,
  SenderBlock,
  SenderBlockCreate,
  SenderBlockQuery,
} from '../../../shared/contracts/messages.ts';
import { IfMatchHeader, ifMatchVersion } from '../../platform/if-match.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { CasesService } from '../cases/cases.service.ts';
import { sendAttachment } from './attachment-reply.ts';
import type { MailboxesService } from './mailboxes.service.ts';
import { presentMessage } from './messages.present.ts';
import type { MessagesService } from './messages.service.ts';
import type { OutboundService } from './outbound.service.ts';
import { type MessageUploadsService, UPLOAD_LIMITS } from './uploads.service.ts';

/** Messages on cases (issue 13): a case's conversation, replies by e-mail, attachments; mailboxes; dead letters. */
export function messagesRoutes(
  app: App,
  s: {
    messages: MessagesService;
    outbound: OutboundService;
    mailboxes: MailboxesService;
    cases: CasesService;
    messageUploads: MessageUploadsService;
  },
) {
  const tags = ['messages'];
  app.get(
    '/cases/:id/messages',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        description:
          "The case's conversation by message (e-mail now; chat and SMS later), oldest first, the newest 200.",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Message) }) },
      },
    },
    async (req) => {
      await s.cases.get(req.params.id);
      return { items: await s.messages.forCase(req.params.id) };
    },
  );
  app.post(
    '/cases/:id/messages',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          "Reply to the customer by e-mail: to the requester, copied to the case's followers and any `cc`, threaded under the last mail received, from the mailbox the customer wrote to, with the files uploaded for it (`attachmentIds`). Any case whose customer has an e-mail address may be answered so, a phone case too: posting here is the choice to send (a reply only recorded is a public note). Queued at once (201) and sent by the sender loop; the first-response clock is met when it is sent. Send an Idempotency-Key to make a retried request one reply.",
        params: IdParams,
        body: ReplyCreate,
        response: { 201: Message },
      },
    },
    async (req, reply) => {
      const row = await s.outbound.reply(actorOf(req), req.params.id, req.body);
      reply.code(201);
      return presentMessage(row, await s.messages.attachmentsOf(row.id));
    },
  );
  app.get(
    '/cases/:id/message-recipients',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          "Who a reply by e-mail would go to now (the requester; the followers copied), from which mailbox, whether the case came by e-mail, and the limits on a reply's files. The requester's address from the customer's record is masked for a role that does not see particulars.",
        params: IdParams,
        response: { 200: MessageRecipients },
      },
    },
    async (req) => s.messageUploads.recipients(actorOf(req), req.params.id),
  );
  // Files come as their own bytes, not JSON: a context of their own takes any media type, up to the
  // size of one attachment inbound mail may keep.
  app.register(async (scope) => {
    const raw = scope as unknown as App;
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    raw.post(
      '/cases/:id/message-uploads',
      {
        config: { access: 'cases.write' },
        bodyLimit: UPLOAD_LIMITS.fileBytes,
        schema: {
          tags,
          description: `A file for a reply by e-mail: the body is the file's bytes, its Content-Type the file's type, and X-Filename its name (percent-encoded UTF-8). At most ${UPLOAD_LIMITS.fileBytes / 1024 / 1024} MB a file; a reply takes ${UPLOAD_LIMITS.files} files, ${UPLOAD_LIMITS.totalBytes / 1024 / 1024} MB together. 201 with its id (put it in the reply's attachmentIds); the same file uploaded again before it is sent answers 200 with the first. Kept for a day if no reply uses it.`,
          params: IdParams,
          headers: MessageUploadHeaders,
          consumes: ['*/*'],
          body: Type.Unsafe<Uint8Array>({ description: "The file's bytes" }),
          response: { 200: MessageUpload, 201: MessageUpload },
        },
      },
      async (req, reply) => {
        const r = await s.messageUploads.upload(actorOf(req), req.params.id, {
          filename: req.headers['x-filename'],
          contentType: req.headers['content-type'],
          data: req.body,
        });
        reply.code(r.created ? 201 : 200);
        return r.upload;
      },
    );
  });
  app.get(
    '/message-attachments/:id',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        description:
          'An attachment of a message, as received. Images are shown inline; anything else downloads.',
        params: IdParams,
      },
    },
    async (req, reply) => {
      return sendAttachment(reply, await s.messages.attachment(req.params.id));
    },
  );

  app.get(
    '/mailboxes',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description: 'The mailboxes the centre answers, with their health. Passwords are never returned.',
        response: { 200: Type.Object({ items: Type.Array(Mailbox) }) },
      },
    },
    async () => ({ items: await s.mailboxes.list() }),
  );
  app.post(
    '/mailboxes',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description:
          'Set up a mailbox: its address, where its cases go, how mail reaches it (SMTP or IMAP) and leaves it. Passwords are stored encrypted.',
        body: MailboxCreate,
        response: { 201: Mailbox },
      },
    },
    async (req, reply) => {
      const m = await s.mailboxes.create(actorOf(req), req.body);
      reply.code(201).header('etag', `"${m.version}"`);
      return m;
    },
  );
  app.get(
    '/mailboxes/:id',
    {
      config: { access: 'channels.manage' },
      schema: { tags, params: IdParams, response: { 200: Mailbox } },
    },
    async (req, reply) => {
      const m = await s.mailboxes.get(req.params.id);
      reply.header('etag', `"${m.version}"`);
      return m;
    },
  );
  app.patch(
    '/mailboxes/:id',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description:
          'Change a mailbox. A password left out is kept; new connection settings reset its health until the next fetch or send.',
        params: IdParams,
        headers: IfMatchHeader,
        body: MailboxPatch,
        response: { 200: Mailbox },
      },
    },
    async (req, reply) => {
      const m = await s.mailboxes.update(
        actorOf(req),
        req.params.id,
        req.body,
        ifMatchVersion(req.headers['if-match']),
      );
      reply.header('etag', `"${m.version}"`);
      return m;
    },
  );
  app.get(
    '/messages/failed',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description: 'Outbound messages that gave up (the dead letters), newest first, each with its case.',
        response: { 200: Type.Object({ items: Type.Array(DeadLetter) }) },
      },
    },
    async () => ({ items: await s.messages.deadLetters() }),
  );
  app.post(
    '/messages/:id/retry',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description: 'Send a failed message again.',
        params: IdParams,
        response: { 200: Message },
      },
    },
    async (req) => presentMessage(await s.outbound.retry(actorOf(req), req.params.id), []),
  );
  app.get(
    '/sender-blocks',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description:
          'Senders whose mail is kept but never made a case: addresses, or @domain for a whole domain.',
        response: { 200: Type.Object({ items: Type.Array(SenderBlock) }) },
      },
    },
    async () => ({ items: await s.mailboxes.blocks() }),
  );
  app.post(
    '/sender-blocks',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description: 'Block an address or a domain (201; 200 when it was already blocked — nothing changes).',
        body: SenderBlockCreate,
        response: { 200: SenderBlock, 201: SenderBlock },
      },
    },
    async (req, reply) => {
      const r = await s.mailboxes.block(actorOf(req), req.body);
      reply.code(r.created ? 201 : 200);
      return r.block;
    },
  );
  app.delete(
    '/sender-blocks',
    {
      config: { access: 'channels.manage' },
      schema: { tags, description: 'Unblock an address or a domain.', querystring: SenderBlockQuery },
    },
    async (req, reply) => {
      await s.mailboxes.unblock(actorOf(req), req.query.pattern);
      reply.code(204);
    },
  );
  app.get(
    '/inbound',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description:
          'Inbound items that did not become messages (ignored: spam, loops, blocked senders, unmatched bounces, lone auto-replies — with the reason) or failed to be processed.',
        querystring: InboundQuery,
        response: { 200: Type.Object({ items: Type.Array(InboundItem) }) },
      },
    },
    async (req) => ({ items: await s.messages.inbound(req.query.state) }),
  );
}
