import type { Selectable } from 'kysely';
import type {
  SmsEndpointCreateDto,
  SmsEndpointDto,
  SmsEndpointPatchDto,
} from '../../../shared/contracts/sms.ts';
import { toE164 } from '../../../shared/phone.ts';
import type { SmsTarget } from '../../channels/sms/adapter.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { SmsEndpointsTable } from '../../platform/db/schema.ts';
import { AppError, fieldError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Secrets } from '../../platform/secrets.ts';

export type SmsEndpointRow = Selectable<SmsEndpointsTable>;

export const smsInboundPath = (id: string) => `/api/v1/channels/sms/${id}/inbound`;
export const smsStatusPath = (id: string) => `/api/v1/channels/sms/${id}/status`;

function present(r: SmsEndpointRow): SmsEndpointDto {
  return {
    id: r.id,
    number: r.number,
    displayName: r.display_name,
    provider: r.provider as SmsEndpointDto['provider'],
    baseUrl: r.base_url,
    accountSid: r.account_sid,
    // Whether a token is set is said; the token never leaves the server.
    hasAuthToken: Boolean(r.secrets),
    teamId: r.team_id,
    active: Boolean(r.active),
    health: r.health as SmsEndpointDto['health'],
    lastInboundAt: r.last_inbound_at,
    lastError: r.last_error,
    lastErrorAt: r.last_error_at,
    inboundPath: smsInboundPath(r.id),
    statusPath: smsStatusPath(r.id),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

/** The audit trail's view of an endpoint: never the sealed token. */
const auditShape = (r: SmsEndpointRow) => {
  const { secrets: _, ...rest } = r;
  return rest;
};

/**
 * The numbers the centre texts from and receives on (issue 14, point 5), set up by an administrator
 * as mailboxes are: number in E.164, provider, account SID and auth token (sealed with the server's
 * key, never returned), the team new conversations go to; health from the classed errors of sends.
 */
export class SmsEndpointsService {
  private readonly ctx: Ctx;
  private readonly secrets: Secrets;

  constructor(ctx: Ctx, deps: { secrets: Secrets }) {
    this.ctx = ctx;
    this.secrets = deps.secrets;
  }

  async list(): Promise<SmsEndpointDto[]> {
    return (await this.ctx.store.db.selectFrom('sms_endpoints').selectAll().orderBy('number').execute()).map(
      present,
    );
  }

  async get(id: string): Promise<SmsEndpointDto> {
    return present(await this.row(this.ctx.store.db, id));
  }

  async row(trx: Executor, id: string): Promise<SmsEndpointRow> {
    const r = await trx.selectFrom('sms_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('sms_endpoint.not_found', id);
    return r;
  }

  async find(id: string): Promise<SmsEndpointRow | null> {
    return (
      (await this.ctx.store.db
        .selectFrom('sms_endpoints')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()) ?? null
    );
  }

  /** The auth token, opened: for verifying webhooks and sending only. */
  authToken(r: SmsEndpointRow): string {
    return this.secrets.open(r.secrets);
  }

  /** How to send from this endpoint, with the status callback at `publicUrl` (the server's own address). */
  target(r: SmsEndpointRow, publicUrl: string | null): SmsTarget {
    return {
      baseUrl: r.base_url,
      accountSid: r.account_sid,
      authToken: this.authToken(r),
      statusCallback: publicUrl ? `${publicUrl.replace(/\/+$/, '')}${smsStatusPath(r.id)}` : null,
    };
  }

  private e164(raw: string, pointer: string): string {
    const n = toE164(raw, this.ctx.config.defaultRegion);
    if (!n)
      throw new AppError('request.invalid', 'Not a phone number', {
        errors: [fieldError(pointer, 'phoneNumber', 'must be a valid phone number')],
      });
    return n;
  }

  async create(actor: Actor, input: SmsEndpointCreateDto): Promise<SmsEndpointDto> {
    const number = this.e164(input.number, '/body/number');
    return tx(this.ctx, async (trx) => {
      await this.numberFree(trx, number, null);
      const at = nowIso(this.ctx);
      const row: SmsEndpointRow = {
        id: newId(),
        number,
        display_name: input.displayName,
        provider: input.provider ?? 'twilio',
        base_url: input.baseUrl,
        account_sid: input.accountSid,
        secrets: this.secrets.seal(input.authToken),
        team_id: input.teamId ?? null,
        active: input.active ?? true,
        health: 'unknown',
        last_inbound_at: null,
        last_error: null,
        last_error_at: null,
        created_at: at,
        updated_at: at,
        version: 1,
      };
      await trx
        .insertInto('sms_endpoints')
        .values(row as never)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'sms_endpoint',
        entityId: row.id,
        action: 'sms_endpoint.created',
        after: auditShape(row),
      });
      return present(row);
    });
  }

  async update(
    actor: Actor,
    id: string,
    input: SmsEndpointPatchDto,
    ifMatch: number | undefined,
  ): Promise<SmsEndpointDto> {
    const number = input.number === undefined ? undefined : this.e164(input.number, '/body/number');
    return tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      if (ifMatch !== undefined && ifMatch !== before.version)
        throw new AppError('request.precondition_failed');
      if (number !== undefined) await this.numberFree(trx, number, id);
      const at = nowIso(this.ctx);
      const after: SmsEndpointRow = {
        ...before,
        ...(number !== undefined ? { number } : {}),
        ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
        ...(input.provider !== undefined ? { provider: input.provider } : {}),
        ...(input.baseUrl !== undefined ? { base_url: input.baseUrl } : {}),
        ...(input.accountSid !== undefined ? { account_sid: input.accountSid } : {}),
        ...(input.authToken !== undefined ? { secrets: this.secrets.seal(input.authToken) } : {}),
        ...(input.teamId !== undefined ? { team_id: input.teamId } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        // New credentials or a new provider: the old health says nothing about them.
        ...(input.authToken !== undefined || input.baseUrl !== undefined || input.accountSid !== undefined
          ? { health: 'unknown', last_error: null, last_error_at: null }
          : {}),
        updated_at: at,
        version: before.version + 1,
      };
      await trx
        .updateTable('sms_endpoints')
        .set(after as never)
        .where('id', '=', id)
        .execute();
      const d = diff(auditShape(before), auditShape(after));
      await audit(trx, {
        at,
        actor,
        entityType: 'sms_endpoint',
        entityId: id,
        action: 'sms_endpoint.updated',
        ...d,
        ...(input.authToken !== undefined ? { after: { ...d.after, authToken: '(changed)' } } : {}),
      });
      return present(after);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      await trx.deleteFrom('sms_endpoints').where('id', '=', id).execute();
      await audit(trx, {
        at: nowIso(this.ctx),
        actor,
        entityType: 'sms_endpoint',
        entityId: id,
        action: 'sms_endpoint.deleted',
        before: auditShape(before),
      });
    });
  }

  /** After a send or a webhook: the endpoint's health (a healthy endpoint is not rewritten). */
  async recordHealth(
    id: string,
    result: { ok: true; inbound?: boolean } | { ok: false; failure: string; error: string },
  ): Promise<void> {
    const at = nowIso(this.ctx);
    await this.ctx.store.db
      .updateTable('sms_endpoints')
      .set(
        result.ok
          ? { health: 'ok', ...(result.inbound ? { last_inbound_at: at } : {}) }
          : { health: result.failure, last_error: result.error.slice(0, 1000), last_error_at: at },
      )
      .where('id', '=', id)
      .$if(result.ok && !result.inbound, (qb) => qb.where('health', '!=', 'ok'))
      .execute();
  }

  private async numberFree(trx: Executor, number: string, self: string | null) {
    const taken = await trx
      .selectFrom('sms_endpoints')
      .select('id')
      .where('number', '=', number)
      .executeTakeFirst();
    if (taken && taken.id !== self)
      throw new AppError('sms_endpoint.number_taken', `${number} is already an SMS number`, {
        errors: [fieldError('/body/number', 'taken', 'is already an SMS number')],
      });
  }
}
