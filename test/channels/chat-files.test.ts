import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CHAT_FILE_EXTENSIONS,
  CHAT_FILE_KINDS,
  CHAT_FILE_LIMITS,
  checkChatFile,
} from '../../src/server/channels/chat/files.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

const ORIGIN = 'https://shop.example';
/** The smallest real files of each kind the tests need. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const at = { filename: '/headers/x-filename', contentType: '/headers/content-type', body: '/body' };
const fields = (r: { data: { errors?: { field: string; rule: string }[] } }) =>
  (r.data.errors ?? []).map((e) => `${e.field} ${e.rule}`);

describe('what a chat file may be (files.ts)', () => {
  const check = (filename: string, contentType: string, data: Uint8Array) =>
    checkChatFile({ filename, contentType, data }, at).errors.map((e) => `${e.field} ${e.rule}`);
  test('the shared list of extensions (the pickers) is the list the server checks', () => {
    assert.deepEqual([...CHAT_FILE_KINDS].sort(), [...CHAT_FILE_EXTENSIONS].sort());
  });
  test('pictures, PDF, text and office files pass; the name decides the stored type', () => {
    assert.deepEqual(check('photo.png', 'image/png', PNG), []);
    assert.deepEqual(check('bill.pdf', 'application/octet-stream', PDF), [], "a browser's don't-know");
    assert.deepEqual(check('notes.txt', 'text/plain', Buffer.from('Hello')), []);
    assert.deepEqual(check('sheet.xlsx', '', Buffer.from('PK\u0003\u0004rest')), []);
    assert.equal(
      checkChatFile(
        { filename: 'X.JPG', contentType: 'image/jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0]) },
        at,
      ).contentType,
      'image/jpeg',
    );
  });
  test('programs, scripts, HTML and SVG are refused by name, by declared type, or by content', () => {
    assert.deepEqual(check('setup.exe', 'application/x-msdownload', EXE), ['/headers/x-filename fileType']);
    assert.deepEqual(check('logo.svg', 'image/svg+xml', Buffer.from('<svg/>')), [
      '/headers/x-filename fileType',
    ]);
    assert.deepEqual(check('page.html', 'text/html', Buffer.from('<p>')), ['/headers/x-filename fileType']);
    assert.deepEqual(check('noextension', 'image/png', PNG), ['/headers/x-filename fileType']);
    assert.deepEqual(check('photo.jpg', 'image/jpeg', EXE), ['/body fileType'], 'a program renamed');
    assert.deepEqual(check('read.txt', 'text/html', Buffer.from('hi')), ['/headers/content-type fileType']);
    assert.deepEqual(check('read.txt', 'text/plain', Buffer.from('<!DOCTYPE html><script>x</script>')), [
      '/body fileType',
    ]);
    assert.deepEqual(check('empty.pdf', 'application/pdf', new Uint8Array()), ['/body empty']);
    assert.deepEqual(check('big.pdf', 'application/pdf', new Uint8Array(CHAT_FILE_LIMITS.fileBytes + 1)), [
      '/body tooLarge',
    ]);
  });
});

for (const dialect of await dialects()) {
  describe(`web chat files over HTTP (${dialect})`, () => {
    let t: TestApp;
    let widgetId = '';
    let otherWidgetId = '';
    before(async () => {
      t = await makeTestApp(dialect);
      const mk = async (name: string) =>
        (
          await t.services.chatWidgets.create(SYSTEM_ACTOR, {
            name,
            teamId: t.team.id,
            allowedOrigins: [ORIGIN],
          })
        ).widget.id;
      widgetId = await mk('Shop');
      otherWidgetId = await mk('Other shop');
    });
    after(() => t.close());

    /** A visitor with an open chat: their token (as the widget holds it) and the case. */
    const visitor = async (widget = widgetId) => {
      const row = await t.services.chatWidgets.row(t.ctx.store.db, widget);
      const h = await t.services.chat.hello(row, null, null);
      await t.services.chat.start(h.session, {
        clientId: randomUUID(),
        name: 'Mei Ling',
        email: 'mei@customer.example',
        question: 'Here is my bill',
      });
      const conv = await t.ctx.store.db
        .selectFrom('chat_conversations')
        .select(['id', 'case_id'])
        .where('id', '=', h.session.conversationId!)
        .executeTakeFirstOrThrow();
      return { token: h.token, session: h.session, caseId: conv.case_id, conversationId: conv.id };
    };
    const upload = (
      token: string | null,
      file: { name: string; type: string; data: Buffer },
      opts: { clientId?: string; widget?: string; headers?: Record<string, string> } = {},
    ) =>
      t.call(null, 'POST', `/api/v1/widget/${opts.widget ?? widgetId}/files`, file.data, {
        'content-type': file.type,
        'x-filename': encodeURIComponent(file.name),
        'x-client-id': opts.clientId ?? randomUUID(),
        ...(token ? { 'x-chat-token': token } : {}),
        ...opts.headers,
      });
    const download = (token: string | null, id: string, headers: Record<string, string> = {}) =>
      t.call(null, 'GET', `/api/v1/widget/files/${id}`, undefined, {
        ...(token ? { 'x-chat-token': token } : {}),
        ...headers,
      });
    const png = { name: 'photo of bill.png', type: 'image/png', data: PNG };

    test('a file is a chat message; the same upload retried is the same message with one attachment', async () => {
      const v = await visitor();
      const clientId = randomUUID();
      const first = await upload(v.token, png, { clientId });
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(first.data.attachment.filename, 'photo of bill.png');
      assert.equal(first.data.seq, 2);
      const again = await upload(v.token, png, { clientId });
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(again.data, first.data);
      const files = await t.ctx.store.db
        .selectFrom('message_attachments as a')
        .innerJoin('messages as m', 'm.id', 'a.message_id')
        .select(['a.id', 'm.channel', 'm.direction', 'm.case_id'])
        .where('m.case_id', '=', v.caseId)
        .execute();
      assert.deepEqual(
        files.map((f) => [f.id, f.channel, f.direction]),
        [[first.data.attachment.id, 'chat', 'inbound']],
      );
      // The widget's catch-up shows it, with its type for a thumbnail; the case thread lists it.
      const page = await t.services.chat.sync(v.session, 1);
      assert.deepEqual(page.items[0]!.attachments, [
        {
          id: first.data.attachment.id,
          filename: 'photo of bill.png',
          size: PNG.length,
          contentType: 'image/png',
        },
      ]);
      const thread = await t.call('officer', 'GET', `/api/v1/cases/${v.caseId}/messages`);
      const onCase = (thread.data.items ?? thread.data).flatMap((m: { attachments: { id: string }[] }) =>
        m.attachments.map((a) => a.id),
      );
      assert.ok(onCase.includes(first.data.attachment.id), thread.body.slice(0, 300));
    });

    test('without the chat token, or with another visitor’s, nothing is sent or read', async () => {
      const a = await visitor();
      const b = await visitor();
      const elsewhere = await visitor(otherWidgetId);
      const before = await t.ctx.store.db
        .selectFrom('message_attachments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const none = await upload(null, png);
      assert.equal(none.statusCode, 401);
      assert.equal(none.data.code, 'chat.session_required');
      assert.equal((await upload('not-a-token', png)).statusCode, 401);
      // A token of another widget's visitor does not send into this widget.
      assert.equal((await upload(elsewhere.token, png)).data.code, 'chat.session_required');
      // An officer's credentials are not a chat session.
      const officer = await t.call('officer', 'POST', `/api/v1/widget/${widgetId}/files`, PNG, {
        'content-type': 'image/png',
        'x-filename': 'x.png',
        'x-client-id': randomUUID(),
      });
      assert.equal(officer.statusCode, 401);
      const after0 = await t.ctx.store.db
        .selectFrom('message_attachments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(after0.n), Number(before.n), 'nothing stored');

      const sent = await upload(a.token, png);
      const id = sent.data.attachment.id as string;
      const mine = await download(a.token, id);
      assert.equal(mine.statusCode, 200);
      assert.deepEqual(Buffer.from(mine.rawPayload), PNG);
      assert.equal((await download(b.token, id)).data.code, 'chat.file_not_found', 'another visitor');
      assert.equal((await download(elsewhere.token, id)).statusCode, 404);
      assert.equal((await download(null, id)).data.code, 'chat.session_required');
      // The officer's cookie or token does not open the visitor's route either…
      assert.equal((await t.call('administrator', 'GET', `/api/v1/widget/files/${id}`)).statusCode, 401);
      // …the case's own route does, for whoever may read cases; nobody else.
      const officerGet = await t.call('trainer', 'GET', `/api/v1/message-attachments/${id}`);
      assert.equal(officerGet.statusCode, 200);
      assert.equal((await t.call(null, 'GET', `/api/v1/message-attachments/${id}`)).statusCode, 401);
    });

    test('limits: size, kind and content refused with a problem naming the field; an ended chat takes none', async () => {
      const v = await visitor();
      const big = await upload(v.token, {
        name: 'big.pdf',
        type: 'application/pdf',
        data: Buffer.concat([PDF, Buffer.alloc(CHAT_FILE_LIMITS.fileBytes)]),
      });
      assert.equal(big.statusCode, 413, big.body);
      assert.match(String(big.headers['content-type']), /^application\/problem\+json/);
      assert.deepEqual(fields(big), ['/body tooLarge']);
      assert.equal(big.data.errors[0].params.limitKb, 10 * 1024);
      const exe = await upload(v.token, { name: 'invoice.exe', type: 'application/x-msdownload', data: EXE });
      assert.equal(exe.statusCode, 400);
      assert.deepEqual(fields(exe), ['/headers/x-filename fileType']);
      const renamed = await upload(v.token, { name: 'invoice.pdf', type: 'application/pdf', data: EXE });
      assert.deepEqual(fields(renamed), ['/body fileType']);
      const svg = await upload(v.token, {
        name: 'x.svg',
        type: 'image/svg+xml',
        data: Buffer.from('<svg/>'),
      });
      assert.deepEqual(fields(svg), ['/headers/x-filename fileType']);
      const noId = await t.call(null, 'POST', `/api/v1/widget/${widgetId}/files`, PNG, {
        'content-type': 'image/png',
        'x-filename': 'x.png',
        'x-chat-token': v.token,
      });
      assert.equal(noId.statusCode, 400);
      assert.deepEqual(
        noId.data.errors.map((e: { field: string }) => e.field),
        ['/headers/x-client-id'],
      );
      await t.services.chat.end(v.session);
      const ended = await upload(v.token, png);
      assert.equal(ended.statusCode, 409);
      assert.equal(ended.data.code, 'chat.ended');
    });

    test('CORS: the preflight answers; a page of an allowed origin reads the answer, any other is refused', async () => {
      const v = await visitor();
      const pre = await t.call(null, 'OPTIONS', `/api/v1/widget/${widgetId}/files`, undefined, {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-filename, x-client-id, x-chat-token',
      });
      assert.equal(pre.statusCode, 204);
      assert.equal(pre.headers['access-control-allow-origin'], ORIGIN);
      assert.match(String(pre.headers['access-control-allow-headers']), /x-chat-token/);
      const ok = await upload(v.token, png, { headers: { origin: ORIGIN } });
      assert.equal(ok.statusCode, 201);
      assert.equal(ok.headers['access-control-allow-origin'], ORIGIN);
      const bad = await upload(v.token, png, { headers: { origin: 'https://evil.example' } });
      assert.equal(bad.statusCode, 403);
      assert.equal(bad.data.code, 'chat.origin_not_allowed');
      assert.equal(bad.headers['access-control-allow-origin'], undefined);
      // A refusal an allowed page can read (the widget shows why).
      const refused = await upload(
        v.token,
        { name: 'a.exe', type: 'application/octet-stream', data: EXE },
        {
          headers: { origin: ORIGIN },
        },
      );
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.headers['access-control-allow-origin'], ORIGIN);
      const got = await download(v.token, ok.data.attachment.id, { origin: ORIGIN });
      assert.equal(got.headers['access-control-allow-origin'], ORIGIN);
      assert.equal(
        (await download(v.token, ok.data.attachment.id, { origin: 'https://evil.example' })).statusCode,
        403,
      );
    });

    test('served safely: pictures inline, anything else downloads; never sniffed, sandboxed', async () => {
      const v = await visitor();
      const img = await download(v.token, (await upload(v.token, png)).data.attachment.id);
      assert.equal(img.headers['content-type'], 'image/png');
      assert.match(
        String(img.headers['content-disposition']),
        /^inline; filename\*=UTF-8''photo%20of%20bill\.png$/,
      );
      assert.equal(img.headers['x-content-type-options'], 'nosniff');
      assert.match(String(img.headers['content-security-policy']), /sandbox/);
      const pdf = await upload(v.token, { name: 'bill.pdf', type: 'application/pdf', data: PDF });
      const doc = await download(v.token, pdf.data.attachment.id);
      assert.equal(doc.headers['content-type'], 'application/octet-stream');
      assert.match(String(doc.headers['content-disposition']), /^attachment; /);
      assert.equal(doc.headers['x-content-type-options'], 'nosniff');
    });

    test("the officer's file goes in the chat from the composer's uploads; the visitor downloads it with the chat token", async () => {
      const v = await visitor();
      const up = async (name: string, type: string, data: Buffer) =>
        t.call('officer', 'POST', `/api/v1/cases/${v.caseId}/message-uploads`, data, {
          'content-type': type,
          'x-filename': encodeURIComponent(name),
        });
      const form = await up('form.pdf', 'application/pdf', PDF);
      assert.equal(form.statusCode, 201, form.body);
      const clientId = randomUUID();
      const sent = await t.call('officer', 'POST', `/api/v1/cases/${v.caseId}/chat/messages`, {
        clientId,
        text: '',
        attachmentIds: [form.data.id],
      });
      assert.equal(sent.statusCode, 201, sent.body);
      const page = await t.services.chat.sync(v.session, 1);
      const line = page.items.find((l) => l.side === 'officer')!;
      assert.equal(line.text, '');
      assert.equal(line.attachments[0]!.filename, 'form.pdf');
      const got = await download(v.token, line.attachments[0]!.id);
      assert.equal(got.statusCode, 200);
      assert.deepEqual(Buffer.from(got.rawPayload), PDF);
      assert.equal((await download((await visitor()).token, line.attachments[0]!.id)).statusCode, 404);
      // Retried, the same message; the upload is not attached twice.
      const again = await t.call('officer', 'POST', `/api/v1/cases/${v.caseId}/chat/messages`, {
        clientId,
        text: '',
        attachmentIds: [form.data.id],
      });
      assert.equal(again.data.seq, sent.data.seq);
      // A chat takes what the visitor's side takes: an HTML page is refused, by its place in the list.
      const page2 = await up('page.html', 'text/html', Buffer.from('<script>alert(1)</script>'));
      const refused = await t.call('officer', 'POST', `/api/v1/cases/${v.caseId}/chat/messages`, {
        clientId: randomUUID(),
        text: 'see this',
        attachmentIds: [page2.data.id],
      });
      assert.equal(refused.statusCode, 400);
      assert.deepEqual(fields(refused), ['/body/attachmentIds/0 fileType']);
      const empty = await t.call('officer', 'POST', `/api/v1/cases/${v.caseId}/chat/messages`, {
        clientId: randomUUID(),
        text: ' ',
      });
      assert.deepEqual(fields(empty), ['/body/text minLength']);
    });

    test('the transcript names the files', async () => {
      const v = await visitor();
      await upload(v.token, png);
      await t.services.chat.end(v.session);
      await t.services.chatMail.transcript(v.session);
      const mail = await t.ctx.store.db
        .selectFrom('messages')
        .select('body_text')
        .where('case_id', '=', v.caseId)
        .where('kind', '=', 'transcript')
        .executeTakeFirstOrThrow();
      assert.match(mail.body_text, /Mei Ling: \[file: photo of bill\.png\]/);
    });
  });
}
