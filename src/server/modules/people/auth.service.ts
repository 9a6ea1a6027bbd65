import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { Actor } from '../../platform/audit.ts';
import { audit } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { UsersTable } from '../../platform/db/schema.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { verifyPassword } from './password.ts';

export const SESSION_COOKIE = 'frontline_session';
const TOKEN_PREFIX = 'flt_';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Usernames are stored lower-case; sign-in and the lock-out key use the same form. */
export const normaliseUsername = (u: string): string => u.toLowerCase();

/**
 * 423 with how long is left, in words and as seconds for the Retry-After header (sendProblem sets
 * it from `retryAfter`).
 */
export function lockedError(lockedUntil: string, now: Date): AppError {
  const seconds = Math.max(1, Math.ceil((Date.parse(lockedUntil) - now.getTime()) / 1000));
  const minutes = Math.ceil(seconds / 60);
  return new AppError(
    'auth.locked',
    `Too many failed sign-ins. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
    { extra: { lockedUntil, retryAfter: seconds } },
  );
}

/**
 * Who a token or session is, remembered for a second: most of an API call's fixed cost was this
 * lookup. Logout, revocation and any change to a user bump the epoch, which forgets everything at
 * once in this process; another node notices within AUTH_CACHE_MS.
 */
const AUTH_CACHE_MS = 1000;
let authEpoch = 0;
export function forgetAuthentications(): void {
  authEpoch += 1;
}

export interface Authenticated {
  actor: Actor;
  /** Present for cookie sessions: writes must echo it in X-CSRF-Token. */
  csrfToken: string | null;
}

/**
 * Login throttling per client address, in memory: one node's view, which is enough to blunt a
 * password spray; the per-user lock-out below is in the database and holds across nodes.
 */
class IpWindow {
  private hits = new Map<string, { start: number; count: number }>();
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  take(ip: string, nowMs: number): boolean {
    const w = this.hits.get(ip);
    if (!w || nowMs - w.start >= 60_000) {
      if (this.hits.size > 10_000) this.hits.clear();
      this.hits.set(ip, { start: nowMs, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= this.limit;
  }
}

export class AuthService {
  private readonly ipWindow: IpWindow;
  private readonly ctx: Ctx;
  private readonly cache = new Map<
    string,
    { auth: Authenticated; expiresAtMs: number; until: number; epoch: number }
  >();
  constructor(ctx: Ctx) {
    this.ctx = ctx;
    this.ipWindow = new IpWindow(ctx.config.login.perIpPerMinute);
  }

  async login(
    username: string,
    password: string,
    meta: { ip: string; userAgent: string | undefined },
  ): Promise<{ user: Selectable<UsersTable>; sessionToken: string; csrfToken: string; expiresAt: string }> {
    const now = this.ctx.clock.now();
    const at = now.toISOString();
    if (!this.ipWindow.take(meta.ip, now.getTime())) throw new AppError('auth.rate_limited');
    const db = this.ctx.store.db;
    const key = normaliseUsername(username);
    const user = await db.selectFrom('users').selectAll().where('username', '=', key).executeTakeFirst();
    const attempts = await db
      .selectFrom('login_attempts')
      .select('locked_until')
      .where('username', '=', key)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    // Always one hash, so response time does not tell a known username from an unknown one.
    const ok = await verifyPassword(password, user?.password_hash ?? null);
    // The lock is kept per attempted username, known or not, and checked before anything about the
    // user: an unknown username is locked by the same failures and answered by the same 423.
    if (attempts?.locked_until && attempts.locked_until > at) throw lockedError(attempts.locked_until, now);
    if (!ok || !user?.active) {
      await this.recordFailure(key, user, now);
      throw new AppError('auth.invalid_credentials');
    }
    const sessionToken = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.ctx.config.sessionTtlHours * 3_600_000).toISOString();
    await tx(this.ctx, async (trx) => {
      await trx.deleteFrom('login_attempts').where('username', '=', key).execute();
      await trx
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null })
        .where('id', '=', user.id)
        .execute();
      await trx
        .insertInto('sessions')
        .values({
          id: sha256(sessionToken),
          user_id: user.id,
          csrf_token: csrfToken,
          created_at: at,
          expires_at: expiresAt,
          ip: meta.ip,
          user_agent: meta.userAgent?.slice(0, 300) ?? null,
        })
        .execute();
    });
    return { user, sessionToken, csrfToken, expiresAt };
  }

  /**
   * Count a failed sign-in against the attempted username and lock it at maxFailures. The same
   * statements run whether or not the user exists (the users update then matches no row), so
   * neither the answer nor its timing depends on it. Failures are forgotten lockMinutes after the
   * last one (or when the lock ends); expired rows are pruned here, which keeps the table to the
   * usernames tried in the last lockMinutes — and the per-address limit bounds how many those are.
   */
  private async recordFailure(
    key: string,
    user: Selectable<UsersTable> | undefined,
    now: Date,
  ): Promise<void> {
    const at = now.toISOString();
    const { maxFailures, lockMinutes } = this.ctx.config.login;
    const windowEnd = new Date(now.getTime() + lockMinutes * 60_000).toISOString();
    await tx(this.ctx, async (trx) => {
      await trx.deleteFrom('login_attempts').where('expires_at', '<=', at).execute();
      // Atomic increment, so concurrent failures on PostgreSQL are all counted; a row locked
      // meanwhile by a concurrent attempt is left alone (no row comes back).
      const counted = await trx
        .insertInto('login_attempts')
        .values({ username: key, failures: 1, locked_until: null, expires_at: windowEnd, updated_at: at })
        .onConflict((oc) =>
          oc
            .column('username')
            .doUpdateSet({
              failures: sql<number>`login_attempts.failures + 1`,
              expires_at: windowEnd,
              updated_at: at,
            })
            .where('login_attempts.locked_until', 'is', null),
        )
        .returning('failures')
        .executeTakeFirst();
      if (!counted) return;
      const lock = counted.failures >= maxFailures;
      if (lock) {
        await trx
          .updateTable('login_attempts')
          .set({ failures: 0, locked_until: windowEnd, expires_at: windowEnd })
          .where('username', '=', key)
          .execute();
      }
      // The user's own columns mirror the lock for the Users screen (matches no row when unknown).
      await trx
        .updateTable('users')
        .set({ failed_logins: lock ? 0 : counted.failures, locked_until: lock ? windowEnd : null })
        .where('username', '=', key)
        .execute();
      if (lock && user) {
        await audit(trx, {
          at,
          actor: { userId: user.id, role: user.role, via: 'session' },
          entityType: 'user',
          entityId: user.id,
          action: 'user.locked',
          after: { failures: counted.failures, lockedUntil: windowEnd },
        });
      }
    });
  }

  async logout(sessionToken: string | undefined): Promise<void> {
    if (!sessionToken) return;
    await this.ctx.store.db.deleteFrom('sessions').where('id', '=', sha256(sessionToken)).execute();
    forgetAuthentications();
  }

  async session(
    sessionToken: string,
  ): Promise<{ user: Selectable<UsersTable>; csrfToken: string; expiresAt: string } | null> {
    const row = await this.ctx.store.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.csrf_token', 'sessions.expires_at'])
      .where('sessions.id', '=', sha256(sessionToken))
      .where('sessions.expires_at', '>', nowIso(this.ctx))
      .executeTakeFirst();
    if (!row?.active) return null;
    const { csrf_token, expires_at, ...user } = row;
    return { user, csrfToken: csrf_token, expiresAt: expires_at };
  }

  /** Resolve the caller from a bearer token or a session cookie. */
  async authenticate(
    authorization: string | undefined,
    cookie: string | undefined,
  ): Promise<Authenticated | null> {
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
    if (bearer !== undefined && !bearer.startsWith(TOKEN_PREFIX)) return null;
    const secret = bearer ?? cookie;
    if (!secret) return null;
    const key = `${bearer ? 't' : 's'}:${sha256(secret)}`;
    const nowMs = this.ctx.clock.now().getTime();
    const hit = this.cache.get(key);
    if (hit && hit.epoch === authEpoch && hit.until > nowMs && hit.expiresAtMs > nowMs) return hit.auth;
    const found = bearer ? await this.fromToken(bearer) : await this.fromSession(secret);
    if (!found) return null;
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(key, { ...found, epoch: authEpoch, until: nowMs + AUTH_CACHE_MS });
    return found.auth;
  }

  private async fromToken(token: string): Promise<{ auth: Authenticated; expiresAtMs: number } | null> {
    const now = nowIso(this.ctx);
    const row = await this.ctx.store.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id', 'api_tokens.expires_at', 'api_tokens.revoked_at', 'api_tokens.last_used_at'])
      .select(['users.id as user_id', 'users.role', 'users.active', 'users.team_id'])
      .where('api_tokens.token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row || row.revoked_at || !row.active || (row.expires_at && row.expires_at <= now)) return null;
    // Record use at most once a minute, so reads stay reads.
    if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) {
      await this.ctx.store.db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', row.id)
        .execute();
    }
    return {
      auth: {
        actor: { userId: row.user_id, role: row.role, via: 'token', teamId: row.team_id },
        csrfToken: null,
      },
      expiresAtMs: row.expires_at ? Date.parse(row.expires_at) : Number.POSITIVE_INFINITY,
    };
  }

  private async fromSession(cookie: string): Promise<{ auth: Authenticated; expiresAtMs: number } | null> {
    const s = await this.session(cookie);
    if (!s) return null;
    return {
      auth: {
        actor: { userId: s.user.id, role: s.user.role, via: 'session', teamId: s.user.team_id },
        csrfToken: s.csrfToken,
      },
      expiresAtMs: Date.parse(s.expiresAt),
    };
  }

  static csrfMatches(expected: string, given: string | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(expected);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async createToken(
    actor: Actor,
    input: { name: string; expiresInDays?: number | undefined; userId?: string | undefined },
  ): Promise<{
    row: { id: string; name: string; prefix: string; created_at: string; expires_at: string | null };
    token: string;
  }> {
    const now = this.ctx.clock.now();
    const userId = input.userId ?? actor.userId;
    const token = `${TOKEN_PREFIX}${randomBytes(30).toString('base64url')}`;
    const row = {
      id: newId(now.getTime()),
      user_id: userId,
      name: input.name,
      token_hash: sha256(token),
      prefix: token.slice(0, 10),
      created_at: now.toISOString(),
      expires_at: input.expiresInDays
        ? new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString()
        : null,
      last_used_at: null,
      revoked_at: null,
    };
    await tx(this.ctx, async (trx) => {
      const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw notFound('user.not_found', userId);
      await trx.insertInto('api_tokens').values(row).execute();
      await audit(trx, {
        at: row.created_at,
        actor,
        entityType: 'api_token',
        entityId: row.id,
        action: 'token.created',
        after: { name: row.name, userId, prefix: row.prefix, expiresAt: row.expires_at },
      });
    });
    return { row, token };
  }

  listTokens(actor: Actor) {
    return this.ctx.store.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', actor.userId)
      .orderBy('created_at', 'desc')
      .execute();
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    await tx(this.ctx, async (trx) => {
      const t = await trx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      if (!t || (t.user_id !== actor.userId && actor.role !== 'administrator'))
        throw notFound('token.not_found', id);
      const at = nowIso(this.ctx);
      await trx.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
      await audit(trx, { at, actor, entityType: 'api_token', entityId: id, action: 'token.revoked' });
    });
    // After commit, so no concurrent lookup can re-remember the token as valid.
    forgetAuthentications();
  }
}
