import type { Selectable } from 'kysely';
import type {
  PreviewRequestDto,
  TemplateCreateDto,
  TemplateDto,
  TemplatePatchDto,
  TemplatePreviewDto,
} from '../../../shared/contracts/scripts.ts';
import { renderTemplate, scanTemplate, type TemplateKind } from '../../../shared/templating.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { TemplatesTable } from '../../platform/db/schema.ts';
import {
  AppError,
  type FieldError,
  fieldError,
  invalidFields,
  notFound,
  problemAt,
} from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { MergeData } from './merge-data.ts';
import { presentTemplate } from './scripts.present.ts';

type Row = Selectable<TemplatesTable>;

/** The user behind a change; null for the system (the demo seed, the command line). */
export const userOf = (a: Actor): string | null => (a.via === 'system' ? null : a.userId);
export const nameKey = (name: string): string => name.trim().toLowerCase();
/** Whether a name contains the words searched for (in code: the lists are short, and LIKE escapes differ by database). */
export const nameMatches = (key: string, q: string | undefined): boolean =>
  !q?.trim() || key.includes(q.trim().toLowerCase());

/** What is wrong with a template's text: placeholders, and a subject where one does or does not belong. */
function templateProblems(kind: TemplateKind, subject: string | null, body: string): FieldError[] {
  const out: FieldError[] = [];
  if (kind === 'email' && !subject)
    out.push(fieldError('/body/subject', 'requiredForEmail', 'is required for an e-mail template'));
  if (kind !== 'email' && subject)
    out.push(fieldError('/body/subject', 'onlyForEmail', 'is only for e-mail templates'));
  for (const p of scanTemplate(subject ?? '').problems) out.push(problemAt('/body/subject', p));
  for (const p of scanTemplate(body).problems) out.push(problemAt('/body/body', p));
  return out;
}

/**
 * Standard phrases, e-mail and SMS templates: written by team leaders and above, used by everyone,
 * previewed with a real case's data before they go into a reply. Archived (inactive) ones leave
 * the pickers but keep their history.
 */
export class TemplatesService {
  private readonly ctx: Ctx;
  private readonly merge: MergeData;
  constructor(ctx: Ctx, deps: { merge: MergeData }) {
    this.ctx = ctx;
    this.merge = deps.merge;
  }

  private async row(db: Executor, id: string): Promise<Row> {
    const t = await db.selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!t) throw notFound('template.not_found', id);
    return t;
  }

  private async present(db: Executor, t: Row): Promise<TemplateDto> {
    const by = t.updated_by
      ? await db.selectFrom('users').select('display_name').where('id', '=', t.updated_by).executeTakeFirst()
      : undefined;
    return presentTemplate(t, by?.display_name ?? null);
  }

  async list(q: {
    kind?: TemplateKind | undefined;
    q?: string | undefined;
    includeInactive?: boolean | undefined;
  }) {
    const db = this.ctx.store.db;
    let query = db
      .selectFrom('templates as t')
      .leftJoin('users as u', 'u.id', 't.updated_by')
      .selectAll('t')
      .select('u.display_name as updated_by_name')
      .orderBy('t.kind')
      .orderBy('t.name_key');
    if (q.kind) query = query.where('t.kind', '=', q.kind);
    if (!q.includeInactive) query = query.where('t.active', '=', true);
    const rows = (await query.execute()).filter((t) => nameMatches(t.name_key, q.q));
    return rows.map(({ updated_by_name, ...t }) => presentTemplate(t, updated_by_name));
  }

  async get(id: string): Promise<TemplateDto> {
    const db = this.ctx.store.db;
    return this.present(db, await this.row(db, id));
  }

  private async assertNameFree(trx: Executor, kind: string, name: string, exceptId: string | null) {
    const other = await trx
      .selectFrom('templates')
      .select('id')
      .where('kind', '=', kind)
      .where('name_key', '=', nameKey(name))
      .executeTakeFirst();
    if (other && other.id !== exceptId) {
      throw new AppError('template.name_taken', name.trim(), {
        errors: [fieldError('/body/name', 'takenByTemplate', 'is taken by another template of this kind')],
      });
    }
  }

  async create(actor: Actor, input: TemplateCreateDto): Promise<TemplateDto> {
    const subject = input.subject?.trim() || null;
    const problems = templateProblems(input.kind, subject, input.body);
    if (problems.length) throw invalidFields(problems);
    const at = nowIso(this.ctx);
    const row: Row = {
      id: newId(),
      kind: input.kind,
      name: input.name.trim(),
      name_key: nameKey(input.name),
      description: input.description?.trim() || null,
      subject,
      body: input.body,
      active: true,
      version: 1,
      created_by: userOf(actor),
      updated_by: userOf(actor),
      created_at: at,
      updated_at: at,
    };
    return tx(this.ctx, async (trx) => {
      await this.assertNameFree(trx, row.kind, row.name, null);
      await trx
        .insertInto('templates')
        .values({ ...row, active: true })
        .execute();
      const presented = await this.present(trx, row);
      await audit(trx, {
        at,
        actor,
        entityType: 'template',
        entityId: row.id,
        action: 'template.created',
        after: presented,
      });
      return presented;
    });
  }

  async update(actor: Actor, id: string, input: TemplatePatchDto): Promise<TemplateDto> {
    return tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      const next: Row = {
        ...before,
        name: input.name !== undefined ? input.name.trim() : before.name,
        name_key: input.name !== undefined ? nameKey(input.name) : before.name_key,
        description: input.description !== undefined ? input.description?.trim() || null : before.description,
        subject: input.subject !== undefined ? input.subject?.trim() || null : before.subject,
        body: input.body ?? before.body,
        active: input.active ?? Boolean(before.active),
        version: before.version + 1,
        updated_by: userOf(actor),
        updated_at: nowIso(this.ctx),
      };
      const problems = templateProblems(next.kind as TemplateKind, next.subject, next.body);
      if (problems.length) throw invalidFields(problems);
      if (input.name !== undefined) await this.assertNameFree(trx, next.kind, next.name, id);
      await trx
        .updateTable('templates')
        .set({
          name: next.name,
          name_key: next.name_key,
          description: next.description,
          subject: next.subject,
          body: next.body,
          active: Boolean(next.active),
          version: next.version,
          updated_by: next.updated_by,
          updated_at: next.updated_at,
        })
        .where('id', '=', id)
        .execute();
      const [b, a] = [presentTemplate(before, null), await this.present(trx, next)];
      const changed = diff(
        { name: b.name, description: b.description, subject: b.subject, body: b.body, active: b.active },
        { name: a.name, description: a.description, subject: a.subject, body: a.body, active: a.active },
      );
      await audit(trx, {
        at: next.updated_at,
        actor,
        entityType: 'template',
        entityId: id,
        action: 'template.updated',
        ...changed,
      });
      return a;
    });
  }

  /** The template filled with the case's, customer's and officer's data, as the caller may see it. */
  async preview(actor: Actor, id: string, req: PreviewRequestDto): Promise<TemplatePreviewDto> {
    const t = await this.row(this.ctx.store.db, id);
    if (!t.active) throw new AppError('template.archived', t.name);
    const values = await this.merge.values(actor, req);
    const subject = t.subject ? renderTemplate(t.subject, values) : null;
    const body = renderTemplate(t.body, values);
    const all = (k: 'used' | 'missing' | 'masked') => [...new Set([...(subject?.[k] ?? []), ...body[k]])];
    return {
      templateId: t.id,
      kind: t.kind as TemplateKind,
      subject: subject?.text ?? null,
      text: body.text,
      variables: all('used'),
      missing: all('missing'),
      masked: all('masked'),
    };
  }
}
