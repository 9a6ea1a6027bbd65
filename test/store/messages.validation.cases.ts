import { test } from 'node:test';
import { UPLOAD_LIMITS } from '../../src/server/modules/messages/uploads.service.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import {
  type BodyRoute,
  type Env,
  type IdRoute,
  type QueryCase,
  UNKNOWN,
  type ValidationCases,
} from '../helpers/validation.ts';

/** The mailbox of the database being run (setup makes it). */
let boxId = '';
/** A file a supervisor uploaded to the fixtures' case: no one else may send it. */
let othersUpload = '';

/**
 * Messages and mailboxes (issue 13): the bad input each route must refuse. Run by
 * messages.validation.test.ts beside this file; test/api/validation.test.ts checks that, with the
 * other modules' lists, every route with a body or a path id is covered.
 */
export const messagesValidation: ValidationCases = {
  setup: async (v) => {
    othersUpload = (
      await v.t.services.messageUploads.upload(v.t.users.supervisor.actor, v.fx.caseId, {
        filename: 'theirs.txt',
        contentType: 'text/plain',
        data: Buffer.from('not yours'),
      })
    ).upload.id;
    boxId = (
      await v.t.services.mailboxes.create(SYSTEM_ACTOR, {
        address: 'validation@centre.example',
        displayName: 'Validation',
        inbound: 'none',
      })
    ).id;
  },
  body: (v: Env): BodyRoute[] => [
    {
      route: 'POST /api/v1/cases/:id/messages',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({ body: 'Thank you, we are on it.' }),
      cases: [
        { name: 'missing body', body: {}, fields: ['/body/body'] },
        { name: 'an empty body', body: { body: '' }, fields: ['/body/body'] },
        {
          name: 'a cc that is not an address',
          body: { body: 'x', cc: ['not-an-address'] },
          fields: ['/body/cc/0'],
        },
        { name: 'a body over 50,000 characters', body: { body: 'x'.repeat(50_001) }, fields: ['/body/body'] },
        {
          name: 'attachment ids that are not ids',
          body: { body: 'x', attachmentIds: ['nope', 7] },
          fields: ['/body/attachmentIds/0', '/body/attachmentIds/1'],
        },
        {
          name: 'the same attachment twice',
          body: { body: 'x', attachmentIds: [UNKNOWN, UNKNOWN] },
          fields: ['/body/attachmentIds'],
        },
        {
          name: 'more than 10 attachments',
          body: {
            body: 'x',
            attachmentIds: Array.from({ length: 11 }, (_, i) => UNKNOWN.replace(/0000$/, String(1000 + i))),
          },
          fields: ['/body/attachmentIds'],
        },
        {
          name: 'an attachment id that is no upload (the reply is not queued either)',
          body: { body: 'x', attachmentIds: [UNKNOWN] },
          fields: ['/body/attachmentIds/0'],
          message: /no file of yours/,
        },
        {
          name: "another officer's upload",
          body: () => ({ body: 'x', attachmentIds: [othersUpload] }),
          fields: ['/body/attachmentIds/0'],
        },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/message-uploads',
      role: 'officer',
      id: () => v.fx.caseId,
      raw: true,
      valid: () => ({}),
      cases: [
        {
          name: 'no file name',
          raw: () => ({ payload: 'hello', contentType: 'text/plain' }),
          fields: ['/headers/x-filename'],
        },
        {
          name: 'a file name that is not percent-encoded UTF-8',
          raw: () => ({ payload: 'hello', contentType: 'text/plain' }),
          headers: { 'x-filename': 'bad%E0%A4%A.txt' },
          fields: ['/headers/x-filename'],
        },
        {
          name: 'a file name that names no file (only a path)',
          raw: () => ({ payload: 'hello', contentType: 'text/plain' }),
          headers: { 'x-filename': encodeURIComponent('C:\\fakepath\\') },
          fields: ['/headers/x-filename'],
        },
        {
          name: 'a file name over 255 characters',
          raw: () => ({ payload: 'hello', contentType: 'text/plain' }),
          headers: { 'x-filename': `${'n'.repeat(256)}.txt` },
          fields: ['/headers/x-filename'],
        },
        {
          name: 'a media type that is not one → 415',
          raw: () => ({ payload: 'hello', contentType: 'pdf' }),
          headers: { 'x-filename': 'a.pdf' },
          status: 415,
          code: 'request.unsupported_media_type',
        },
        {
          name: 'a media type over 200 characters',
          raw: () => ({ payload: 'hello', contentType: `text/plain; name=${'n'.repeat(200)}` }),
          headers: { 'x-filename': 'a.txt' },
          fields: ['/headers/content-type'],
        },
        {
          name: 'an empty file',
          raw: () => ({ payload: '', contentType: 'text/plain' }),
          headers: { 'x-filename': 'empty.txt' },
          fields: ['/body'],
        },
        {
          name: 'a file over the limit of one attachment → 413',
          raw: () => ({ payload: 'x'.repeat(UPLOAD_LIMITS.fileBytes + 1), contentType: 'application/pdf' }),
          headers: { 'x-filename': 'huge.pdf' },
          status: 413,
          code: 'request.too_large',
        },
      ],
    },
    {
      route: 'POST /api/v1/mailboxes',
      role: 'administrator',
      valid: () => ({
        address: `new${Math.random().toString(36).slice(2)}@centre.example`,
        displayName: 'New',
        inbound: 'none',
      }),
      cases: [
        {
          name: 'missing address, name and inbound',
          body: {},
          fields: ['/body/address', '/body/displayName', '/body/inbound'],
        },
        {
          name: 'an address that is not one',
          body: { address: 'billing', displayName: 'B', inbound: 'none' },
          fields: ['/body/address'],
        },
        {
          name: 'an unknown inbound',
          body: { address: 'b@centre.example', displayName: 'B', inbound: 'pop3' },
          fields: ['/body/inbound'],
        },
        {
          name: 'IMAP without its settings',
          body: { address: 'imapless@centre.example', displayName: 'B', inbound: 'imap' },
          fields: ['/body/imap'],
        },
        {
          name: 'an IMAP port out of range and a host with a slash',
          body: {
            address: 'imap@centre.example',
            displayName: 'B',
            inbound: 'imap',
            imap: { host: 'mail/x', port: 70000, tls: true, user: 'u' },
          },
          fields: ['/body/imap/host', '/body/imap/port'],
        },
        {
          name: 'options out of range',
          body: {
            address: 'o@centre.example',
            displayName: 'B',
            inbound: 'none',
            options: { threadBySubjectDays: 0, closedReply: 'ignore', senderRateLimit: 0 },
          },
          fields: [
            '/body/options/threadBySubjectDays',
            '/body/options/closedReply',
            '/body/options/senderRateLimit',
          ],
        },
        {
          name: 'the address of another mailbox',
          body: { address: 'validation@centre.example', displayName: 'B', inbound: 'none' },
          status: 409,
          code: 'mailbox.address_taken',
          fields: ['/body/address'],
        },
      ],
    },
    {
      route: 'POST /api/v1/sender-blocks',
      role: 'administrator',
      valid: () => ({ pattern: `@valid${Math.random().toString(36).slice(2)}.example` }),
      cases: [
        { name: 'missing pattern', body: {}, fields: ['/body/pattern'] },
        {
          name: 'a pattern that is neither an address nor @domain (its own rule, not the regular expression)',
          body: { pattern: 'spam' },
          fields: ['/body/pattern'],
          message: /an address \(someone@example.com\) or a whole domain/,
        },
        { name: 'a domain without a dot', body: { pattern: '@localhost' }, fields: ['/body/pattern'] },
        {
          name: 'a reason over 500 characters',
          body: { pattern: '@x.example', reason: 'r'.repeat(501) },
          fields: ['/body/reason'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/mailboxes/:id',
      role: 'administrator',
      id: () => boxId,
      valid: () => ({ displayName: 'Renamed' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        { name: 'an empty display name', body: { displayName: '' }, fields: ['/body/displayName'] },
        {
          name: 'a password that is empty',
          body: { smtp: { host: 'smtp.example', port: 587, tls: false, password: '' } },
          fields: ['/body/smtp/password'],
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    { route: 'GET /api/v1/cases/:id/messages', role: 'officer', notFound: 'case.not_found' },
    {
      route: 'POST /api/v1/cases/:id/messages',
      role: 'officer',
      body: () => ({ body: 'x' }),
      notFound: 'case.not_found',
    },
    { route: 'GET /api/v1/message-attachments/:id', role: 'officer', notFound: 'message.not_found' },
    { route: 'GET /api/v1/cases/:id/message-recipients', role: 'officer', notFound: 'case.not_found' },
    {
      route: 'POST /api/v1/cases/:id/message-uploads',
      role: 'officer',
      body: () => 'hello',
      headers: () => ({ 'content-type': 'text/plain', 'x-filename': 'hello.txt' }),
      notFound: 'case.not_found',
    },
    { route: 'GET /api/v1/mailboxes/:id', role: 'administrator', notFound: 'mailbox.not_found' },
    {
      route: 'PATCH /api/v1/mailboxes/:id',
      role: 'administrator',
      body: () => ({ displayName: 'x' }),
      notFound: 'mailbox.not_found',
    },
    { route: 'POST /api/v1/messages/:id/retry', role: 'administrator', notFound: 'message.not_found' },
  ],
  extra: (v) => {
    test('DELETE /sender-blocks: a pattern that is not one is refused; one not blocked is 404', async () => {
      await v.rejected(
        'bad pattern',
        'administrator',
        'DELETE',
        '/api/v1/sender-blocks?pattern=nope',
        {},
        {
          status: 400,
          code: 'request.invalid',
          fields: ['/query/pattern'],
        },
      );
      await v.rejected(
        'not blocked',
        'administrator',
        'DELETE',
        '/api/v1/sender-blocks?pattern=%40never.example',
        {},
        {
          status: 404,
          code: 'sender_block.not_found',
        },
      );
    });
  },
  queries: (): QueryCase[] => [
    {
      name: '/api/v1/inbound without a state',
      role: 'administrator',
      url: () => '/api/v1/inbound',
      fields: ['/query/state'],
    },
    {
      name: '/api/v1/inbound state=done',
      role: 'administrator',
      url: () => '/api/v1/inbound?state=done',
      fields: ['/query/state'],
    },
  ],
};
