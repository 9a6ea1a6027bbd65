import { parse, stringify } from 'yaml';
import {
  KB_AUDIENCES,
  KB_KINDS,
  type KbArticleCreateDto,
  type KbImportDto,
  type KbImportReportDto,
} from '../../../shared/contracts/knowledge.ts';
import type { Actor } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { type KnowledgeService, slugify } from './knowledge.service.ts';

/**
 * Articles as Markdown files with YAML front matter — the shape most help centres and static-site
 * FAQs export — so a centre can bring its FAQ in and take it out again.
 *
 *   ---
 *   title: How to request a payment extension
 *   kind: billing
 *   slug: payment-extension-request      (optional: from the title)
 *   tags: [billing, arrears]
 *   audience: internal                   (or public)
 *   category: Billing                    (optional)
 *   answer: …                            (optional)
 *   reviewAt: 2027-06-30                 (optional)
 *   ---
 *   Markdown body
 */
const KEYS = new Set([
  'title',
  'kind',
  'slug',
  'tags',
  'audience',
  'category',
  'answer',
  'reviewAt',
  'review_at',
]);
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function parseArticleFile(content: string): KbArticleCreateDto {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(content);
  if (!m) throw new Error('no front matter (the file must start with a --- block)');
  let meta: unknown;
  try {
    meta = parse(m[1] as string);
  } catch (err) {
    throw new Error(`front matter is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!meta || typeof meta !== 'object' || Array.isArray(meta))
    throw new Error('front matter is not a mapping');
  const f = meta as Record<string, unknown>;
  const unknown = Object.keys(f).filter((k) => !KEYS.has(k));
  if (unknown.length) throw new Error(`unknown front matter key(s): ${unknown.join(', ')}`);
  const title = typeof f.title === 'string' ? f.title.trim() : '';
  if (title.length < 3 || title.length > 200) throw new Error('title: required, 3 to 200 characters');
  if (!KB_KINDS.includes(f.kind as (typeof KB_KINDS)[number]))
    throw new Error(`kind: one of ${KB_KINDS.join(', ')}`);
  const audience = f.audience ?? 'internal';
  if (!KB_AUDIENCES.includes(audience as (typeof KB_AUDIENCES)[number]))
    throw new Error(`audience: one of ${KB_AUDIENCES.join(', ')}`);
  if (f.slug !== undefined && (typeof f.slug !== 'string' || !SLUG.test(f.slug)))
    throw new Error('slug: lowercase letters, digits and single hyphens');
  const tags = f.tags ?? [];
  if (
    !Array.isArray(tags) ||
    tags.some((t) => typeof t !== 'string' || !t.trim() || t.length > 60) ||
    tags.length > 20
  )
    throw new Error('tags: a list of up to 20 words or phrases');
  const reviewAt = f.reviewAt ?? f.review_at;
  const review =
    reviewAt instanceof Date
      ? reviewAt.toISOString().slice(0, 10)
      : reviewAt === undefined
        ? undefined
        : String(reviewAt);
  if (review !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(review))
    throw new Error('reviewAt: a date, YYYY-MM-DD');
  const body = (m[2] as string).trim();
  if (!body) throw new Error('the body is empty');
  if (body.length > 100_000) throw new Error('the body is longer than 100,000 characters');
  return {
    title,
    kind: f.kind as KbArticleCreateDto['kind'],
    audience: audience as KbArticleCreateDto['audience'],
    body,
    tags: [...new Set((tags as string[]).map((t) => t.trim()))],
    ...(f.slug ? { slug: f.slug as string } : {}),
    ...(typeof f.category === 'string' ? { category: f.category } : {}),
    ...(typeof f.answer === 'string' ? { answer: f.answer } : {}),
    ...(review ? { reviewAt: review } : {}),
  };
}

export class KnowledgeTransfer {
  private readonly ctx: Ctx;
  private readonly kb: KnowledgeService;
  constructor(ctx: Ctx, kb: KnowledgeService) {
    this.ctx = ctx;
    this.kb = kb;
  }

  /** Each file is its own transaction: one bad file is reported and skipped, the rest go in. */
  async import(actor: Actor, input: KbImportDto): Promise<KbImportReportDto> {
    const report: KbImportReportDto = { created: [], updated: [], skipped: [] };
    const seen = new Set<string>();
    for (const file of input.files) {
      let a: KbArticleCreateDto;
      try {
        if (!/\.(md|markdown)$/i.test(file.name)) throw new Error('not a Markdown file (.md)');
        a = parseArticleFile(file.content);
      } catch (err) {
        report.skipped.push({ name: file.name, reason: (err as Error).message });
        continue;
      }
      const slug = a.slug ?? slugify(a.title);
      if (seen.has(slug)) {
        report.skipped.push({ name: file.name, reason: `slug ${slug} appears twice in this import` });
        continue;
      }
      seen.add(slug);
      try {
        const existing = await this.ctx.store.db
          .selectFrom('kb_articles')
          .select(['id'])
          .where('slug', '=', slug)
          .executeTakeFirst();
        if (!existing) {
          const created = await this.kb.create(actor, { ...a, slug }, { publish: input.publish ?? false });
          report.created.push({ name: file.name, slug, id: created.id });
          continue;
        }
        const { slug: _s, reviewAt, ...content } = a;
        await this.kb.editDraft(actor, existing.id, {
          ...content,
          ...(reviewAt !== undefined ? { reviewAt } : {}),
          changeNote: `Imported from ${file.name}`,
        });
        if (input.publish) {
          await this.kb.submit(actor, existing.id);
          await this.kb.approve(actor, existing.id, 'Imported');
        }
        report.updated.push({ name: file.name, slug, id: existing.id });
      } catch (err) {
        const reason = err instanceof AppError ? (err.detail ?? err.code) : (err as Error).message;
        report.skipped.push({ name: file.name, reason });
      }
    }
    return report;
  }

  /** Every article that is not archived, as it is published (or its draft if never published). */
  async export(): Promise<{ files: { name: string; content: string }[] }> {
    const rows = await this.ctx.store.db
      .selectFrom('kb_articles as a')
      .innerJoin('kb_versions as v', (j) =>
        j.onRef('v.id', '=', (eb) => eb.fn.coalesce('a.published_version_id', 'a.open_version_id')),
      )
      .select([
        'a.slug',
        'a.review_at',
        'v.title',
        'v.kind',
        'v.audience',
        'v.category',
        'v.tags',
        'v.answer',
        'v.body',
      ])
      .where('a.status', '!=', 'archived')
      .orderBy('a.slug')
      .execute();
    return {
      files: rows.map((r) => {
        const meta: Record<string, unknown> = {
          title: r.title,
          slug: r.slug,
          kind: r.kind,
          audience: r.audience,
          tags: parseJson<string[]>(r.tags, []),
        };
        if (r.category) meta.category = r.category;
        if (r.answer) meta.answer = r.answer;
        if (r.review_at) meta.reviewAt = r.review_at;
        return {
          name: `${r.slug}.md`,
          content: `---\n${stringify(meta).trimEnd()}\n---\n\n${r.body.trim()}\n`,
        };
      }),
    };
  }
}
