import { diffLines, diffWords } from 'diff';
import type { Selectable, Updateable } from 'kysely';
import type {
  KbArticleCreateDto,
  KbArticleDto,
  KbArticleSummaryDto,
  KbAttachmentDto,
  KbDiffDto,
  KbDraftPatchDto,
  KbSearchHitDto,
  KbSynonymsDto,
  KbVersionDto,
} from '../../../shared/contracts/knowledge.ts';
import { can } from '../../../shared/permissions.ts';
import { type Actor, audit } from '../../platform/audit.ts';
import { type Ctx, decodeCursor, encodeCursor, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { type KbArticlesTable, type KbVersionsTable, parseJson } from '../../platform/db/schema.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { TimerRow, Timers } from '../../platform/timers.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { firstParagraph, plainText, renderMarkdown } from './markdown.ts';
import { KnowledgeSearch } from './search.ts';
import { words } from './text.ts';

type ArticleRow = Selectable<KbArticlesTable>;
type VersionRow = Selectable<KbVersionsTable>;
type Kind = KbVersionDto['kind'];
type Audience = KbVersionDto['audience'];

const MAX_ATTACHMENT = 5 * 1024 * 1024;
/** The user behind an action; null for the system (imports from the command line). */
const userOf = (a: Actor) => (a.via === 'system' ? null : a.userId);

export function slugify(title: string): string {
  return (
    words(title)
      .join('-')
      .replace(/[^a-z0-9-]/g, '')
      .slice(0, 80)
      .replace(/-+$/, '') || 'article'
  );
}

/**
 * Knowledge articles and their versions. An article has at most one open version (draft or in
 * review) beside its published one: writers edit the draft, submit it, and a team leader or
 * supervisor approves (publishes) or rejects it. Only published versions are searchable, and
 * only public ones leave the building.
 */
export class KnowledgeService {
  private readonly ctx: Ctx;
  readonly search: KnowledgeSearch;
  /** Review-date reminders need the scheduler and notifications (given by the app; absent in benches). */
  private readonly reminders: { timers: Timers; notifications: NotificationsService } | undefined;
  constructor(ctx: Ctx, reminders?: { timers: Timers; notifications: NotificationsService }) {
    this.ctx = ctx;
    this.search = new KnowledgeSearch(ctx);
    this.reminders = reminders;
    reminders?.timers.on('kb.review', (trx, t) => this.onReviewDue(trx, t));
  }

  /** One pending reminder per published article, on its review date (none once archived). */
  private async scheduleReview(trx: Executor, id: string, reviewAt: string | null): Promise<void> {
    if (!this.reminders) return;
    await this.reminders.timers.cancel(trx, id, ['kb.review']);
    if (reviewAt)
      await this.reminders.timers.schedule(trx, {
        kind: 'kb.review',
        dueAt: `${reviewAt}T00:00:00.000Z`,
        refId: id,
        payload: { reviewAt },
      });
  }

  /** The owner is told the article is due for review; with no owner, the supervisors are. */
  private async onReviewDue(trx: Executor, t: TimerRow): Promise<void> {
    if (!t.ref_id || !this.reminders) return;
    const a = await trx.selectFrom('kb_articles').selectAll().where('id', '=', t.ref_id).executeTakeFirst();
    const due = parseJson<{ reviewAt?: string }>(t.payload, {}).reviewAt;
    if (a?.status !== 'published' || a.review_at !== due) return;
    const v = await this.version(trx, a.published_version_id);
    const to = a.owner_id
      ? [a.owner_id]
      : (
          await trx
            .selectFrom('users')
            .select('id')
            .where('role', '=', 'supervisor')
            .where('active', '=', true)
            .execute()
        ).map((u) => u.id);
    await this.reminders.notifications.notify(trx, {
      userIds: to,
      kind: 'kb.review_due',
      title: `Time to review: ${v?.title ?? a.slug}`,
      body: 'Its review date has come. Check it is still right, then set the next review date.',
    });
  }

  // ── reading ────────────────────────────────────────────────────────────────
  private async names(db: Executor, ids: (string | null)[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids.filter((i): i is string => Boolean(i)))];
    if (!unique.length) return new Map();
    const rows = await db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('id', 'in', unique)
      .execute();
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  private presentVersion(v: VersionRow, names: Map<string, string>): KbVersionDto {
    return {
      id: v.id,
      number: v.number,
      state: v.state as KbVersionDto['state'],
      kind: v.kind as Kind,
      audience: v.audience as Audience,
      category: v.category,
      title: v.title,
      body: v.body,
      bodyHtml: renderMarkdown(v.body),
      answer: v.answer?.trim() || firstParagraph(v.body),
      tags: parseJson<string[]>(v.tags, []),
      changeNote: v.change_note,
      authorId: v.author_id,
      authorName: (v.author_id && names.get(v.author_id)) || null,
      createdAt: v.created_at,
      updatedAt: v.updated_at,
      submittedAt: v.submitted_at,
      reviewedBy: v.reviewed_by,
      reviewedByName: v.reviewed_by ? (names.get(v.reviewed_by) ?? null) : null,
      reviewedAt: v.reviewed_at,
      reviewNote: v.review_note,
      publishedAt: v.published_at,
    };
  }

  private async articleRow(db: Executor, id: string): Promise<ArticleRow> {
    const a = await db.selectFrom('kb_articles').selectAll().where('id', '=', id).executeTakeFirst();
    if (!a) throw notFound('kb_article.not_found', id);
    return a;
  }

  private async version(db: Executor, id: string | null): Promise<VersionRow | null> {
    if (!id) return null;
    return (await db.selectFrom('kb_versions').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  private async present(db: Executor, a: ArticleRow, actor: Actor | null): Promise<KbArticleDto> {
    const published = await this.version(db, a.published_version_id);
    // Drafts are the writers' business: readers without kb.write see the published text only.
    const draft = actor && can(actor.role, 'kb.write') ? await this.version(db, a.open_version_id) : null;
    const names = await this.names(db, [
      a.owner_id,
      published?.author_id ?? null,
      published?.reviewed_by ?? null,
      draft?.author_id ?? null,
      draft?.reviewed_by ?? null,
    ]);
    // A file waits for its version's approval like the text does; only writers see it before that.
    const writer = !!actor && can(actor.role, 'kb.write');
    const attachments = (
      await db
        .selectFrom('kb_attachments as x')
        .leftJoin('kb_versions as v', 'v.id', 'x.version_id')
        .select([
          'x.id',
          'x.filename',
          'x.content_type',
          'x.size',
          'x.created_at',
          'x.version_id',
          'v.published_at',
        ])
        .where('x.article_id', '=', a.id)
        .orderBy('x.created_at')
        .execute()
    )
      .map((x) => ({ ...x, pending: x.version_id !== null && x.published_at === null }))
      .filter((x) => writer || !x.pending);
    return {
      id: a.id,
      slug: a.slug,
      status: a.status as KbArticleDto['status'],
      ownerId: a.owner_id,
      ownerName: (a.owner_id && names.get(a.owner_id)) || null,
      reviewAt: a.review_at,
      usageCount: a.usage_count,
      createdAt: a.created_at,
      updatedAt: a.updated_at,
      published: published ? this.presentVersion(published, names) : null,
      draft: draft ? this.presentVersion(draft, names) : null,
      attachments: attachments.map(
        (x): KbAttachmentDto => ({
          id: x.id,
          filename: x.filename,
          contentType: x.content_type,
          size: Number(x.size),
          createdAt: x.created_at,
          ...(x.pending ? { pending: true } : {}),
        }),
      ),
    };
  }

  async get(actor: Actor, id: string): Promise<KbArticleDto> {
    const db = this.ctx.store.db;
    const a = await this.articleRow(db, id);
    // An article never published is a draft: only writers may see it at all.
    if (!a.published_version_id && !can(actor.role, 'kb.write')) throw notFound('kb_article.not_found', id);
    return this.present(db, a, actor);
  }

  async list(
    actor: Actor,
    q: {
      status?: string | undefined;
      kind?: string | undefined;
      reviewDue?: boolean | undefined;
      limit: number;
      cursor?: string | undefined;
    },
  ): Promise<{ items: KbArticleSummaryDto[]; nextCursor: string | null }> {
    const db = this.ctx.store.db;
    let query = db
      .selectFrom('kb_articles as a')
      .innerJoin('kb_versions as v', (j) =>
        j.onRef('v.id', '=', (eb) => eb.fn.coalesce('a.open_version_id', 'a.published_version_id')),
      )
      .select([
        'a.id',
        'a.slug',
        'a.status',
        'a.owner_id',
        'a.review_at',
        'a.usage_count',
        'a.updated_at',
        'v.title',
        'v.kind',
        'v.audience',
        'v.tags',
      ])
      .orderBy('a.updated_at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(q.limit + 1);
    if (!can(actor.role, 'kb.write')) query = query.where('a.published_version_id', 'is not', null);
    if (q.status) query = query.where('a.status', '=', q.status);
    if (q.kind) query = query.where('v.kind', '=', q.kind);
    if (q.reviewDue) query = query.where('a.review_at', '<=', nowIso(this.ctx).slice(0, 10));
    const after = decodeCursor(q.cursor);
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('a.updated_at', '<', after[0]),
          eb.and([eb('a.updated_at', '=', after[0]), eb('a.id', '<', after[1])]),
        ]),
      );
    const rows = await query.execute();
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        slug: r.slug,
        status: r.status as KbArticleSummaryDto['status'],
        title: r.title,
        kind: r.kind as Kind,
        audience: r.audience as Audience,
        tags: parseJson<string[]>(r.tags, []),
        ownerId: r.owner_id,
        reviewAt: r.review_at,
        usageCount: r.usage_count,
        updatedAt: r.updated_at,
      })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.updated_at, last.id) : null,
    };
  }

  async versions(id: string) {
    const db = this.ctx.store.db;
    await this.articleRow(db, id);
    const rows = await db
      .selectFrom('kb_versions')
      .selectAll()
      .where('article_id', '=', id)
      .orderBy('number', 'desc')
      .execute();
    const names = await this.names(
      db,
      rows.flatMap((r) => [r.author_id, r.reviewed_by]),
    );
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      state: r.state as KbVersionDto['state'],
      title: r.title,
      authorName: (r.author_id && names.get(r.author_id)) || null,
      changeNote: r.change_note,
      createdAt: r.created_at,
      reviewedByName: r.reviewed_by ? (names.get(r.reviewed_by) ?? null) : null,
      reviewedAt: r.reviewed_at,
      publishedAt: r.published_at,
    }));
  }

  async diff(id: string, from: number, to: number): Promise<KbDiffDto> {
    const db = this.ctx.store.db;
    await this.articleRow(db, id);
    const pick = async (n: number) => {
      const v = await db
        .selectFrom('kb_versions')
        .selectAll()
        .where('article_id', '=', id)
        .where('number', '=', n)
        .executeTakeFirst();
      if (!v) throw notFound('kb_version.not_found', `${id} v${n}`);
      return v;
    };
    const [a, b] = [await pick(from), await pick(to)];
    const parts = (ps: { value: string; added?: boolean; removed?: boolean }[]) =>
      ps.map((p) => ({ value: p.value, added: Boolean(p.added), removed: Boolean(p.removed) }));
    const fields: KbDiffDto['fields'] = [];
    for (const f of ['kind', 'audience', 'category', 'answer'] as const)
      if ((a[f] ?? '') !== (b[f] ?? '')) fields.push({ field: f, from: a[f] ?? '', to: b[f] ?? '' });
    const ta = parseJson<string[]>(a.tags, []).join(', ');
    const tb = parseJson<string[]>(b.tags, []).join(', ');
    if (ta !== tb) fields.push({ field: 'tags', from: ta, to: tb });
    return {
      from,
      to,
      title: parts(diffWords(a.title, b.title)),
      body: parts(diffLines(a.body, b.body)),
      fields,
    };
  }

  // ── writing ────────────────────────────────────────────────────────────────
  async create(
    actor: Actor,
    input: KbArticleCreateDto,
    opts: { publish?: boolean } = {},
  ): Promise<KbArticleDto> {
    return tx(this.ctx, async (trx) => {
      const articleId = await this.createIn(trx, actor, input, opts.publish ? 'Imported' : undefined);
      return this.present(trx, await this.articleRow(trx, articleId), actor);
    });
  }

  /**
   * Create an article in the caller's transaction; published at once, with the note, when one is
   * given (imports, and a solution a team leader agreed — the agreement is the review).
   */
  async createIn(trx: Executor, actor: Actor, input: KbArticleCreateDto, publishNote?: string) {
    const at = nowIso(this.ctx);
    const slug = input.slug ?? (await this.freeSlug(trx, slugify(input.title)));
    await this.assertSlugFree(trx, slug, null);
    const articleId = newId();
    const versionId = newId();
    await trx
      .insertInto('kb_articles')
      .values({
        id: articleId,
        slug,
        status: 'draft',
        owner_id: userOf(actor),
        review_at: input.reviewAt ?? null,
        published_version_id: null,
        open_version_id: versionId,
        usage_count: 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await trx
      .insertInto('kb_versions')
      .values(this.versionValues(versionId, articleId, 1, actor, at, input))
      .execute();
    await audit(trx, {
      at,
      actor,
      entityType: 'kb_article',
      entityId: articleId,
      action: 'create',
      after: { slug, title: input.title },
    });
    if (publishNote !== undefined) await this.publishOpen(trx, actor, articleId, at, publishNote);
    return articleId;
  }

  /** The published version of an article, for a module that refers to it (dissemination). */
  async publishedIn(trx: Executor, id: string) {
    const a = await this.articleRow(trx, id);
    const v = await this.version(trx, a.published_version_id);
    if (!v) throw notFound('kb_article.not_found', id);
    return { articleId: a.id, slug: a.slug, versionId: v.id, title: v.title };
  }

  private versionValues(
    id: string,
    articleId: string,
    number: number,
    actor: Actor,
    at: string,
    c: {
      title: string;
      body: string;
      kind: string;
      audience?: string | undefined;
      category?: string | null | undefined;
      tags?: string[] | undefined;
      answer?: string | null | undefined;
      changeNote?: string | undefined;
    },
  ) {
    return {
      id,
      article_id: articleId,
      number,
      state: 'draft',
      kind: c.kind,
      audience: c.audience ?? 'internal',
      category: c.category ?? null,
      title: c.title.trim(),
      body: c.body,
      answer: c.answer ?? null,
      tags: JSON.stringify([...new Set((c.tags ?? []).map((t) => t.trim()))]),
      change_note: c.changeNote ?? null,
      author_id: userOf(actor),
      created_at: at,
      updated_at: at,
      submitted_at: null,
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
      published_at: null,
    };
  }

  private async freeSlug(trx: Executor, base: string): Promise<string> {
    for (let n = 1; ; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      const taken = await trx
        .selectFrom('kb_articles')
        .select('id')
        .where('slug', '=', slug)
        .executeTakeFirst();
      if (!taken) return slug;
    }
  }

  private async assertSlugFree(trx: Executor, slug: string, articleId: string | null) {
    const taken = await trx
      .selectFrom('kb_articles')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirst();
    if (taken && taken.id !== articleId)
      throw new AppError('kb_article.slug_taken', `Another article has the slug ${slug}`);
  }

  /**
   * Edit the open draft; with none, start one from the published version. A version in review is
   * frozen until it is approved or rejected.
   */
  async editDraft(actor: Actor, id: string, patch: KbDraftPatchDto): Promise<KbArticleDto> {
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      const a = await this.articleRow(trx, id);
      const draft = await this.openDraft(trx, actor, a, at);
      const set: Updateable<KbVersionsTable> = { updated_at: at };
      if (patch.title !== undefined) set.title = patch.title.trim();
      if (patch.body !== undefined) set.body = patch.body;
      if (patch.kind !== undefined) set.kind = patch.kind;
      if (patch.audience !== undefined) set.audience = patch.audience;
      if (patch.category !== undefined) set.category = patch.category;
      if (patch.tags !== undefined) set.tags = JSON.stringify([...new Set(patch.tags.map((t) => t.trim()))]);
      if (patch.answer !== undefined) set.answer = patch.answer;
      if (patch.changeNote !== undefined) set.change_note = patch.changeNote;
      // A rejected draft being reworked is a draft again.
      set.state = 'draft';
      await trx.updateTable('kb_versions').set(set).where('id', '=', draft.id).execute();
      const status = a.status === 'archived' ? 'archived' : 'draft';
      await trx
        .updateTable('kb_articles')
        .set({
          open_version_id: draft.id,
          status: a.published_version_id && status !== 'archived' ? 'published' : status,
          updated_at: at,
          ...(patch.reviewAt !== undefined ? { review_at: patch.reviewAt } : {}),
        })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'kb_article',
        entityId: id,
        action: 'edit_draft',
        after: { version: draft.number, fields: Object.keys(patch) },
      });
      if (patch.reviewAt !== undefined && a.published_version_id && a.status !== 'archived')
        await this.scheduleReview(trx, id, patch.reviewAt);
      return this.present(trx, await this.articleRow(trx, id), actor);
    });
  }

  /** The open draft; with none, a new one copied from the published version. In review: frozen. */
  private async openDraft(trx: Executor, actor: Actor, a: ArticleRow, at: string): Promise<VersionRow> {
    const open = await this.version(trx, a.open_version_id);
    if (open?.state === 'in_review') throw new AppError('kb_article.in_review');
    if (open) return open;
    const base = await this.version(trx, a.published_version_id);
    if (!base) throw new AppError('kb_article.no_draft');
    const last = await trx
      .selectFrom('kb_versions')
      .select((eb) => eb.fn.max('number').as('n'))
      .where('article_id', '=', a.id)
      .executeTakeFirstOrThrow();
    const versionId = newId();
    await trx
      .insertInto('kb_versions')
      .values(
        this.versionValues(versionId, a.id, Number(last.n) + 1, actor, at, {
          title: base.title,
          body: base.body,
          kind: base.kind,
          audience: base.audience,
          category: base.category,
          tags: parseJson<string[]>(base.tags, []),
          answer: base.answer,
        }),
      )
      .execute();
    const draft = await this.version(trx, versionId);
    if (!draft) throw notFound('kb_version.not_found', versionId);
    return draft;
  }

  async submit(actor: Actor, id: string): Promise<KbArticleDto> {
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      const a = await this.articleRow(trx, id);
      const draft = await this.version(trx, a.open_version_id);
      if (!draft) throw new AppError('kb_article.no_draft');
      if (draft.state === 'in_review') throw new AppError('kb_article.in_review');
      await trx
        .updateTable('kb_versions')
        .set({ state: 'in_review', submitted_at: at, updated_at: at })
        .where('id', '=', draft.id)
        .execute();
      if (!a.published_version_id)
        await trx
          .updateTable('kb_articles')
          .set({ status: 'in_review', updated_at: at })
          .where('id', '=', id)
          .execute();
      else await trx.updateTable('kb_articles').set({ updated_at: at }).where('id', '=', id).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'kb_article',
        entityId: id,
        action: 'submit',
        after: { version: draft.number },
      });
      return this.present(trx, await this.articleRow(trx, id), actor);
    });
  }

  async approve(actor: Actor, id: string, note?: string): Promise<KbArticleDto> {
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      const a = await this.articleRow(trx, id);
      const draft = await this.version(trx, a.open_version_id);
      if (draft?.state !== 'in_review') throw new AppError('kb_article.not_in_review');
      await this.publishOpen(trx, actor, id, at, note ?? null);
      return this.present(trx, await this.articleRow(trx, id), actor);
    });
  }

  /** The open version becomes the published one (the previous is superseded) and is indexed. */
  private async publishOpen(trx: Executor, actor: Actor, id: string, at: string, note: string | null) {
    const a = await this.articleRow(trx, id);
    const v = await this.version(trx, a.open_version_id);
    if (!v) throw new AppError('kb_article.no_draft');
    if (a.published_version_id)
      await trx
        .updateTable('kb_versions')
        .set({ state: 'superseded' })
        .where('id', '=', a.published_version_id)
        .execute();
    await trx
      .updateTable('kb_versions')
      .set({
        state: 'published',
        submitted_at: v.submitted_at ?? at,
        reviewed_by: userOf(actor),
        reviewed_at: at,
        review_note: note,
        published_at: at,
        updated_at: at,
      })
      .where('id', '=', v.id)
      .execute();
    await trx
      .updateTable('kb_articles')
      .set({ status: 'published', published_version_id: v.id, open_version_id: null, updated_at: at })
      .where('id', '=', id)
      .execute();
    await this.search.index(trx, {
      articleId: id,
      versionId: v.id,
      audience: v.audience,
      kind: v.kind,
      title: v.title,
      tags: parseJson<string[]>(v.tags, []),
      plain: plainText(v.body),
      publishedAt: at,
      usageCount: a.usage_count,
    });
    await this.scheduleReview(trx, id, a.review_at);
    await audit(trx, {
      at,
      actor,
      entityType: 'kb_article',
      entityId: id,
      action: 'publish',
      before: { version: a.published_version_id },
      after: { version: v.number, approvedBy: userOf(actor) },
    });
  }

  async reject(actor: Actor, id: string, note: string): Promise<KbArticleDto> {
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      const a = await this.articleRow(trx, id);
      const draft = await this.version(trx, a.open_version_id);
      if (draft?.state !== 'in_review') throw new AppError('kb_article.not_in_review');
      await trx
        .updateTable('kb_versions')
        .set({
          state: 'rejected',
          reviewed_by: userOf(actor),
          reviewed_at: at,
          review_note: note,
          updated_at: at,
        })
        .where('id', '=', draft.id)
        .execute();
      await trx
        .updateTable('kb_articles')
        .set({ status: a.published_version_id ? 'published' : 'draft', updated_at: at })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'kb_article',
        entityId: id,
        action: 'reject',
        after: { version: draft.number, note },
      });
      return this.present(trx, await this.articleRow(trx, id), actor);
    });
  }

  async archive(actor: Actor, id: string): Promise<KbArticleDto> {
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      const a = await this.articleRow(trx, id);
      if (a.status === 'archived') throw new AppError('kb_article.archived');
      await trx
        .updateTable('kb_articles')
        .set({ status: 'archived', updated_at: at })
        .where('id', '=', id)
        .execute();
      await this.search.unindex(trx, id);
      await this.scheduleReview(trx, id, null);
      await audit(trx, {
        at,
        actor,
        entityType: 'kb_article',
        entityId: id,
        action: 'archive',
        before: { status: a.status },
      });
      return this.present(trx, await this.articleRow(trx, id), actor);
    });
  }

  // ── search and use ─────────────────────────────────────────────────────────
  async find(
    q: string,
    opts: {
      audience: 'internal' | 'public';
      limit: number;
      kind?: string | undefined;
      prefix?: boolean | undefined;
    },
  ): Promise<{ items: KbSearchHitDto[]; corrected: Record<string, string> }> {
    const { hits, understood } = await this.search.search(q, {
      audience: opts.audience,
      limit: opts.limit,
      kinds: opts.kind ? [opts.kind] : undefined,
      prefix: opts.prefix ?? true,
    });
    if (!hits.length) return { items: [], corrected: understood.corrected };
    const db = this.ctx.store.db;
    const rows = await db
      .selectFrom('kb_versions as v')
      .innerJoin('kb_articles as a', 'a.id', 'v.article_id')
      .select(['v.id', 'v.body', 'v.answer', 'a.slug'])
      .where(
        'v.id',
        'in',
        hits.map((h) => h.versionId),
      )
      .execute();
    const byVersion = new Map(rows.map((r) => [r.id, r]));
    return {
      items: hits.map((h) => {
        const v = byVersion.get(h.versionId);
        return {
          articleId: h.articleId,
          slug: v?.slug ?? '',
          title: h.title,
          kind: h.kind as Kind,
          audience: h.audience as Audience,
          titleHtml: h.titleHtml,
          snippetHtml: h.snippetHtml,
          answer: v ? v.answer?.trim() || firstParagraph(v.body) : '',
          score: h.score,
          usageCount: h.usageCount,
          publishedAt: h.publishedAt,
        };
      }),
      corrected: understood.corrected,
    };
  }

  /** Count a use of a published article (on a case or contact when given). */
  async recordUsage(
    actor: Actor,
    id: string,
    u: { action: string; caseId?: string | undefined; contactId?: string | undefined },
  ): Promise<{ usageCount: number }> {
    return tx(this.ctx, async (trx) => {
      const a = await this.articleRow(trx, id);
      if (!a.published_version_id) throw notFound('kb_article.not_found', id);
      if (
        u.caseId &&
        !(await trx.selectFrom('cases').select('id').where('id', '=', u.caseId).executeTakeFirst())
      )
        throw notFound('case.not_found', u.caseId);
      if (
        u.contactId &&
        !(await trx.selectFrom('contacts').select('id').where('id', '=', u.contactId).executeTakeFirst())
      )
        throw notFound('contact.not_found', u.contactId);
      await trx
        .insertInto('kb_usage')
        .values({
          id: newId(),
          article_id: id,
          version_id: a.published_version_id,
          action: u.action,
          case_id: u.caseId ?? null,
          contact_id: u.contactId ?? null,
          user_id: actor.userId,
          at: nowIso(this.ctx),
        })
        .execute();
      // Views are counted as rows; the article's usage count is what helped a customer.
      const usageCount = a.usage_count + (u.action === 'viewed' ? 0 : 1);
      if (usageCount !== a.usage_count) {
        await trx.updateTable('kb_articles').set({ usage_count: usageCount }).where('id', '=', id).execute();
        await this.search.setUsage(trx, id, usageCount);
      }
      return { usageCount };
    });
  }

  /**
   * Which articles were used on cases, and how many of those cases are resolved. A use during a call
   * names the contact (the case does not exist yet); it counts for the cases that contact opened.
   */
  async usageReport(limit: number) {
    const db = this.ctx.store.db;
    const rows = await db
      .selectFrom('kb_usage as u')
      .innerJoin('kb_articles as a', 'a.id', 'u.article_id')
      .innerJoin('kb_versions as v', 'v.id', 'a.published_version_id')
      .leftJoin('contact_cases as cc', (j) =>
        j.onRef('cc.contact_id', '=', 'u.contact_id').on('u.case_id', 'is', null),
      )
      .leftJoin('cases as c', (j) => j.on((eb) => eb('c.id', '=', eb.fn.coalesce('u.case_id', 'cc.case_id'))))
      .select((eb) => [
        'u.article_id',
        'v.title',
        eb.fn.count<number>('u.id').distinct().as('uses'),
        eb.fn.count<number>('c.id').distinct().as('cases'),
        eb.fn
          .count<number>(eb.case().when('c.status', 'in', ['resolved', 'closed']).then(eb.ref('c.id')).end())
          .distinct()
          .as('resolved'),
      ])
      .where('u.action', '!=', 'viewed')
      .groupBy(['u.article_id', 'v.title'])
      .orderBy('uses', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      articleId: r.article_id,
      title: r.title,
      uses: Number(r.uses),
      cases: Number(r.cases),
      resolvedCases: Number(r.resolved),
    }));
  }

  // ── synonyms ───────────────────────────────────────────────────────────────
  async synonyms(db: Executor = this.ctx.store.db): Promise<KbSynonymsDto> {
    const rows = await db
      .selectFrom('kb_synonyms')
      .select('terms')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return { groups: rows.map((r) => parseJson<string[]>(r.terms, [])) };
  }

  async setSynonyms(actor: Actor, input: KbSynonymsDto): Promise<KbSynonymsDto> {
    const groups = input.groups.map((g) => [...new Set(g.map((t) => t.trim().toLowerCase()))]);
    groups.forEach((g, i) => {
      if (g.length < 2)
        throw invalid(`/body/groups/${i}`, 'needsTwoTerms', 'needs two different words or phrases');
      g.forEach((t, k) => {
        if (!words(t).length)
          throw invalid(`/body/groups/${i}/${k}`, 'noLettersOrDigits', 'has no letters or digits');
      });
    });
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      const before = await this.synonyms(trx);
      await trx.deleteFrom('kb_synonyms').execute();
      if (groups.length)
        await trx
          .insertInto('kb_synonyms')
          .values(groups.map((g) => ({ id: newId(), terms: JSON.stringify(g), created_at: at })))
          .execute();
      await this.search.bump(trx);
      await audit(trx, {
        at,
        actor,
        entityType: 'kb_synonyms',
        entityId: 'kb',
        action: 'update',
        before,
        after: { groups },
      });
      return { groups };
    });
  }

  // ── attachments ────────────────────────────────────────────────────────────
  async addAttachment(
    actor: Actor,
    id: string,
    input: { filename: string; contentType: string; dataBase64: string },
  ): Promise<KbAttachmentDto> {
    const data = Buffer.from(input.dataBase64, 'base64');
    if (data.length > MAX_ATTACHMENT) throw new AppError('kb_attachment.too_large');
    if (!data.length) throw invalid('/body/dataBase64', 'empty', 'is empty');
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      const a = await this.articleRow(trx, id);
      // Nobody attaches to the published version directly, publishers included: the file joins the
      // open draft (one is started from the published text if there is none) and is shown to readers
      // and on the public help pages only when that version is approved. A version in review is frozen.
      const draft = await this.openDraft(trx, actor, a, at);
      if (draft.id !== a.open_version_id)
        await trx
          .updateTable('kb_articles')
          .set({ open_version_id: draft.id, updated_at: at })
          .where('id', '=', id)
          .execute();
      const row = {
        id: newId(),
        article_id: id,
        filename: input.filename,
        content_type: input.contentType.toLowerCase(),
        size: data.length,
        data: new Uint8Array(data),
        version_id: draft.id,
        created_by: userOf(actor),
        created_at: at,
      };
      await trx.insertInto('kb_attachments').values(row).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'kb_article',
        entityId: id,
        action: 'attach',
        after: { filename: row.filename, size: row.size, version: draft.number },
      });
      return {
        id: row.id,
        filename: row.filename,
        contentType: row.content_type,
        size: row.size,
        createdAt: at,
        pending: true,
      };
    });
  }

  /** An attachment's bytes; `publicOnly` for the help pages (published public articles only). */
  async attachment(id: string, publicOnly: boolean, actor: Actor | null) {
    const db = this.ctx.store.db;
    const r = await db
      .selectFrom('kb_attachments as x')
      .innerJoin('kb_articles as a', 'a.id', 'x.article_id')
      .leftJoin('kb_versions as v', 'v.id', 'a.published_version_id')
      .leftJoin('kb_versions as own', 'own.id', 'x.version_id')
      .select([
        'x.filename',
        'x.content_type',
        'x.data',
        'x.version_id',
        'own.published_at',
        'v.audience',
        'a.published_version_id',
        'a.status',
      ])
      .where('x.id', '=', id)
      .executeTakeFirst();
    // Live once the version it came with has been published (files from before review: always).
    const live = !!r && (r.version_id === null || r.published_at !== null);
    const visible =
      r &&
      (publicOnly
        ? live && r.audience === 'public' && r.status !== 'archived'
        : (live && r.published_version_id) || (actor && can(actor.role, 'kb.write')));
    if (!r || !visible) throw notFound('kb_attachment.not_found', id);
    return { filename: r.filename, contentType: r.content_type, data: Buffer.from(r.data) };
  }

  // ── public help pages ──────────────────────────────────────────────────────
  async publicArticle(slug: string) {
    const db = this.ctx.store.db;
    const r = await db
      .selectFrom('kb_articles as a')
      .innerJoin('kb_versions as v', 'v.id', 'a.published_version_id')
      .select([
        'a.id',
        'a.slug',
        'a.status',
        'v.title',
        'v.kind',
        'v.body',
        'v.tags',
        'v.audience',
        'v.published_at',
      ])
      .where('a.slug', '=', slug)
      .executeTakeFirst();
    if (r?.audience !== 'public' || r.status === 'archived') throw notFound('kb_article.not_found', slug);
    const attachments = await db
      .selectFrom('kb_attachments as x')
      .leftJoin('kb_versions as v', 'v.id', 'x.version_id')
      .select(['x.id', 'x.filename', 'x.size'])
      .where('x.article_id', '=', r.id)
      .where((eb) => eb.or([eb('x.version_id', 'is', null), eb('v.published_at', 'is not', null)]))
      .orderBy('x.created_at')
      .execute();
    return {
      slug: r.slug,
      title: r.title,
      kind: r.kind as Kind,
      bodyHtml: renderMarkdown(r.body),
      tags: parseJson<string[]>(r.tags, []),
      publishedAt: r.published_at as string,
      attachments: attachments.map((x) => ({ id: x.id, filename: x.filename, size: Number(x.size) })),
    };
  }

  async publicIndex(limit: number) {
    const rows = await this.ctx.store.db
      .selectFrom('kb_search as s')
      .innerJoin('kb_articles as a', 'a.id', 's.article_id')
      .select(['a.slug', 's.title', 's.kind'])
      .where('s.audience', '=', 'public')
      .orderBy('s.usage_count', 'desc')
      .orderBy('s.title')
      .limit(limit)
      .execute();
    return rows;
  }
}
