import { Type } from 'typebox';
import { IdParams, Nullable } from '../../../shared/contracts/common.ts';
import {
  KbArticle,
  KbArticleCreate,
  KbArticleListQuery,
  KbArticleSummary,
  KbAttachment,
  KbAttachmentCreate,
  KbDiff,
  KbDiffQuery,
  KbDraftPatch,
  KbExport,
  KbImport,
  KbImportReport,
  KbPreview,
  KbPreviewResult,
  KbReject,
  KbReview,
  KbSearchQuery,
  KbSearchResult,
  KbSynonyms,
  KbUsageCreate,
  KbUsageReportRow,
  KbUsageResult,
  KbVersionSummary,
  PublicArticle,
  PublicSearchQuery,
  SlugParams,
} from '../../../shared/contracts/knowledge.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { KnowledgeService } from './knowledge.service.ts';
import { renderMarkdown } from './markdown.ts';
import type { KnowledgeTransfer } from './transfer.ts';

/** A 5 MB file is ~6.7 MB of base64; an import carries many articles. */
export const KB_ATTACHMENT_BODY_LIMIT = 8 * 1024 * 1024;
export const KB_IMPORT_BODY_LIMIT = 20 * 1024 * 1024;

/** Images the browser may show inline; anything else downloads (never sniffed, never run). */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function knowledgeRoutes(app: App, s: { knowledge: KnowledgeService; kbTransfer: KnowledgeTransfer }) {
  const tags = ['knowledge'];
  const kb = s.knowledge;
  app.get(
    '/kb/search',
    {
      config: { access: 'kb.read' },
      schema: {
        tags,
        description:
          'Published articles for a query: prefix on the last word, typo correction, synonyms; ranked by title, tags, body, recency and use; snippets with <mark>.',
        querystring: KbSearchQuery,
        response: { 200: KbSearchResult },
      },
    },
    async (req) =>
      kb.find(req.query.q, {
        audience: 'internal',
        limit: req.query.limit ?? 10,
        kind: req.query.kind,
        prefix: req.query.prefix,
      }),
  );
  app.get(
    '/kb/articles',
    {
      config: { access: 'kb.read' },
      schema: {
        tags,
        querystring: KbArticleListQuery,
        response: {
          200: Type.Object({ items: Type.Array(KbArticleSummary), nextCursor: Nullable(Type.String()) }),
        },
      },
    },
    async (req) => kb.list(actorOf(req), { ...req.query, limit: req.query.limit ?? 50 }),
  );
  app.post(
    '/kb/articles',
    {
      config: { access: 'kb.write' },
      schema: {
        tags,
        description: 'A new article: its first version is a draft.',
        body: KbArticleCreate,
        response: { 201: KbArticle },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return kb.create(actorOf(req), req.body);
    },
  );
  app.post(
    '/kb/preview',
    {
      config: { access: 'kb.write' },
      schema: {
        tags,
        description: 'Render Markdown as the article will show it (sanitised), for the editor preview.',
        body: KbPreview,
        response: { 200: KbPreviewResult },
      },
    },
    async (req) => ({ html: renderMarkdown(req.body.body) }),
  );
  app.get(
    '/kb/articles/:id',
    { config: { access: 'kb.read' }, schema: { tags, params: IdParams, response: { 200: KbArticle } } },
    async (req) => kb.get(actorOf(req), req.params.id),
  );
  app.patch(
    '/kb/articles/:id/draft',
    {
      config: { access: 'kb.write' },
      schema: {
        tags,
        description: 'Edit the open draft, or start one from the published version.',
        params: IdParams,
        body: KbDraftPatch,
        response: { 200: KbArticle },
      },
    },
    async (req) => kb.editDraft(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/kb/articles/:id/submit',
    {
      config: { access: 'kb.write' },
      schema: {
        tags,
        description: 'Send the draft for review.',
        params: IdParams,
        response: { 200: KbArticle },
      },
    },
    async (req) => kb.submit(actorOf(req), req.params.id),
  );
  app.post(
    '/kb/articles/:id/approve',
    {
      config: { access: 'kb.publish' },
      schema: {
        tags,
        description: 'Publish the version in review (the approver is recorded).',
        params: IdParams,
        body: KbReview,
        response: { 200: KbArticle },
      },
    },
    async (req) => kb.approve(actorOf(req), req.params.id, req.body?.note),
  );
  app.post(
    '/kb/articles/:id/reject',
    {
      config: { access: 'kb.publish' },
      schema: { tags, params: IdParams, body: KbReject, response: { 200: KbArticle } },
    },
    async (req) => kb.reject(actorOf(req), req.params.id, req.body.note),
  );
  app.post(
    '/kb/articles/:id/archive',
    {
      config: { access: 'kb.publish' },
      schema: {
        tags,
        description: 'Take the article out of use and search.',
        params: IdParams,
        response: { 200: KbArticle },
      },
    },
    async (req) => kb.archive(actorOf(req), req.params.id),
  );
  app.get(
    '/kb/articles/:id/versions',
    {
      config: { access: 'kb.write' },
      schema: {
        tags,
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(KbVersionSummary) }) },
      },
    },
    async (req) => ({ items: await kb.versions(req.params.id) }),
  );
  app.get(
    '/kb/articles/:id/diff',
    {
      config: { access: 'kb.write' },
      schema: { tags, params: IdParams, querystring: KbDiffQuery, response: { 200: KbDiff } },
    },
    async (req) => kb.diff(req.params.id, req.query.from, req.query.to),
  );
  app.post(
    '/kb/articles/:id/usage',
    {
      config: { access: 'kb.contribute' },
      schema: {
        tags,
        description: 'Count a use: viewed, linked in a reply, or its answer inserted (on a case or contact).',
        params: IdParams,
        body: KbUsageCreate,
        response: { 200: KbUsageResult },
      },
    },
    async (req) => kb.recordUsage(actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/kb/usage',
    {
      config: { access: 'kb.publish' },
      schema: {
        tags,
        description: 'Which articles helped on cases, and how many of those cases are resolved.',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(KbUsageReportRow) }) },
      },
    },
    async (req) => ({ items: await kb.usageReport(req.query.limit ?? 50) }),
  );
  app.post(
    '/kb/articles/:id/attachments',
    {
      config: { access: 'kb.write' },
      bodyLimit: KB_ATTACHMENT_BODY_LIMIT,
      schema: { tags, params: IdParams, body: KbAttachmentCreate, response: { 201: KbAttachment } },
    },
    async (req, reply) => {
      reply.code(201);
      return kb.addAttachment(actorOf(req), req.params.id, req.body);
    },
  );
  app.get(
    '/kb/attachments/:id',
    { config: { access: 'kb.read' }, schema: { tags, params: IdParams } },
    async (req, reply) => sendFile(reply, await kb.attachment(req.params.id, false, actorOf(req))),
  );
  app.get(
    '/kb/synonyms',
    { config: { access: 'kb.read' }, schema: { tags, response: { 200: KbSynonyms } } },
    async () => kb.synonyms(),
  );
  app.put(
    '/kb/synonyms',
    {
      config: { access: 'kb.manage' },
      schema: {
        tags,
        description: 'Replace the synonym groups (e.g. instalment ~ installment ~ payment plan).',
        body: KbSynonyms,
        response: { 200: KbSynonyms },
      },
    },
    async (req) => kb.setSynonyms(actorOf(req), req.body),
  );
  app.post(
    '/kb/import',
    {
      config: { access: 'kb.manage' },
      schema: {
        tags,
        description:
          'Markdown files with front matter; each is validated, and the report says what was skipped and why.',
        body: KbImport,
        response: { 200: KbImportReport },
      },
    },
    async (req) => s.kbTransfer.import(actorOf(req), req.body),
  );
  app.get(
    '/kb/export',
    { config: { access: 'kb.manage' }, schema: { tags, response: { 200: KbExport } } },
    async () => s.kbTransfer.export(),
  );

  // Public help: published public articles, for anyone.
  app.get(
    '/public/kb/search',
    {
      config: { access: 'public' },
      schema: { tags, security: [], querystring: PublicSearchQuery, response: { 200: KbSearchResult } },
    },
    async (req) => kb.find(req.query.q, { audience: 'public', limit: req.query.limit ?? 10 }),
  );
  app.get(
    '/public/kb/articles/:slug',
    {
      config: { access: 'public' },
      schema: { tags, security: [], params: SlugParams, response: { 200: PublicArticle } },
    },
    async (req) => kb.publicArticle(req.params.slug),
  );
  app.get(
    '/public/kb/attachments/:id',
    { config: { access: 'public' }, schema: { tags, security: [], params: IdParams } },
    async (req, reply) => sendFile(reply, await kb.attachment(req.params.id, true, null)),
  );
}

function sendFile(
  reply: { header(k: string, v: string): unknown; type(t: string): unknown; send(b: Buffer): unknown },
  f: { filename: string; contentType: string; data: Buffer },
) {
  const inline = INLINE.has(f.contentType);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('content-security-policy', "default-src 'none'; sandbox");
  reply.header(
    'content-disposition',
    `${inline ? 'inline' : 'attachment'}; filename="${f.filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(f.filename)}`,
  );
  reply.type(inline ? f.contentType : 'application/octet-stream');
  return reply.send(f.data);
}
