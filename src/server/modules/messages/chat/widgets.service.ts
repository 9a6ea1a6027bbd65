import type { Selectable } from 'kysely';
import type {
  ChatWidgetCreateDto,
  ChatWidgetDto,
  ChatWidgetPatchDto,
} from '../../../../shared/contracts/chat.ts';
import { newWidgetSecret } from '../../../channels/chat/identity.ts';
import { type Actor, audit } from '../../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import { type ChatWidgetsTable, parseJson } from '../../../platform/db/schema.ts';
import { notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import type { Secrets } from '../../../platform/secrets.ts';

export type WidgetRow = Selectable<ChatWidgetsTable>;

export function presentWidget(r: WidgetRow): ChatWidgetDto {
  return {
    id: r.id,
    name: r.name,
    teamId: r.team_id,
    allowedOrigins: parseJson<string[]>(r.allowed_origins, []),
    calendarId: r.calendar_id,
    active: Boolean(r.active),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

/** Origins compare as the browser sends them: scheme://host[:port], lower case, no trailing slash. */
export const normaliseOrigin = (o: string) => o.trim().toLowerCase().replace(/\/+$/, '');

/**
 * Chat widgets, set up by an administrator (channels.manage): the team its chats queue for, the
 * sites allowed to embed it, its hours, and the secret a site signs its customers' ids with. The
 * secret is sealed at rest and shown once, when made or replaced.
 */
export class ChatWidgetsService {
  private readonly ctx: Ctx;
  private readonly secrets: Secrets;
  /** Widget rows by id for the public socket, kept briefly: every visitor connection reads one. */
  private readonly cache = new Map<string, { row: WidgetRow | null; until: number }>();

  constructor(ctx: Ctx, deps: { secrets: Secrets }) {
    this.ctx = ctx;
    this.secrets = deps.secrets;
  }

  get db(): Executor {
    return this.ctx.store.db;
  }

  async list(): Promise<ChatWidgetDto[]> {
    const rows = await this.ctx.store.db.selectFrom('chat_widgets').selectAll().orderBy('name').execute();
    return rows.map(presentWidget);
  }

  async get(id: string): Promise<ChatWidgetDto> {
    return presentWidget(await this.row(this.ctx.store.db, id));
  }

  async row(trx: Executor, id: string): Promise<WidgetRow> {
    const r = await trx.selectFrom('chat_widgets').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('chat_widget.not_found', id);
    return r;
  }

  /** For the public socket: the active widget or null, cached for 5 s (a change reaches visitors within that). */
  async active(id: string): Promise<WidgetRow | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.row;
    const r = await this.ctx.store.db
      .selectFrom('chat_widgets')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    const row = r?.active ? r : null;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(id, { row, until: now + 5000 });
    return row;
  }

  secretOf(w: WidgetRow): string {
    return this.secrets.open(w.secret);
  }

  originAllowed(w: WidgetRow, origin: string | undefined): boolean {
    if (!origin) return false;
    return parseJson<string[]>(w.allowed_origins, []).map(normaliseOrigin).includes(normaliseOrigin(origin));
  }

  private async checkRefs(trx: Executor, teamId: string | undefined, calendarId: string | null | undefined) {
    if (teamId && !(await trx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst()))
      throw notFound('team.not_found', teamId);
    if (
      calendarId &&
      !(await trx
        .selectFrom('business_calendars')
        .select('id')
        .where('id', '=', calendarId)
        .executeTakeFirst())
    )
      throw notFound('calendar.not_found', calendarId);
  }

  /** `opts.id`: the demo seed's fixed id (chat-pages.ts); otherwise a new one. */
  async create(
    actor: Actor,
    input: ChatWidgetCreateDto,
    opts: { id?: string } = {},
  ): Promise<{ widget: ChatWidgetDto; secret: string }> {
    const secret = newWidgetSecret();
    return tx(this.ctx, async (trx) => {
      await this.checkRefs(trx, input.teamId, input.calendarId);
      const at = nowIso(this.ctx);
      const origins = JSON.stringify([...new Set(input.allowedOrigins.map(normaliseOrigin))]);
      const row = {
        id: opts.id ?? newId(),
        name: input.name.trim(),
        team_id: input.teamId,
        allowed_origins: origins,
        secret: this.secrets.seal(secret),
        calendar_id: input.calendarId ?? null,
        active: true,
        created_at: at,
        updated_at: at,
        version: 1,
      };
      await trx.insertInto('chat_widgets').values(row).execute();
      const widget = presentWidget(row);
      await audit(trx, {
        at,
        actor,
        entityType: 'chat_widget',
        entityId: row.id,
        action: 'chat_widget.created',
        after: widget,
      });
      return { widget, secret };
    });
  }

  async update(actor: Actor, id: string, patch: ChatWidgetPatchDto): Promise<ChatWidgetDto> {
    const out = await tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      await this.checkRefs(trx, patch.teamId, patch.calendarId);
      const at = nowIso(this.ctx);
      const set = {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.teamId !== undefined ? { team_id: patch.teamId } : {}),
        ...(patch.allowedOrigins !== undefined
          ? { allowed_origins: JSON.stringify([...new Set(patch.allowedOrigins.map(normaliseOrigin))]) }
          : {}),
        ...(patch.calendarId !== undefined ? { calendar_id: patch.calendarId } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        updated_at: at,
        version: before.version + 1,
      };
      await trx.updateTable('chat_widgets').set(set).where('id', '=', id).execute();
      const after = presentWidget(await this.row(trx, id));
      await audit(trx, {
        at,
        actor,
        entityType: 'chat_widget',
        entityId: id,
        action: 'chat_widget.updated',
        before: presentWidget(before),
        after,
      });
      return after;
    });
    this.cache.delete(id);
    return out;
  }

  /** A new secret (the old one stops validating at once): shown once. */
  async rotateSecret(actor: Actor, id: string): Promise<{ widget: ChatWidgetDto; secret: string }> {
    const secret = newWidgetSecret();
    const out = await tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      const at = nowIso(this.ctx);
      await trx
        .updateTable('chat_widgets')
        .set({ secret: this.secrets.seal(secret), updated_at: at, version: before.version + 1 })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'chat_widget',
        entityId: id,
        action: 'chat_widget.secret_rotated',
      });
      return { widget: presentWidget(await this.row(trx, id)), secret };
    });
    this.cache.delete(id);
    return out;
  }
}
