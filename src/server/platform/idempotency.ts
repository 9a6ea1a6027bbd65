import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from './context.ts';
import type { Executor } from './db/index.ts';
import { AppError, fieldError, invalid } from './errors.ts';

/**
 * `Idempotency-Key` on every POST, as Stripe's API does: the first successful response is stored
 * per user for 24 h and a repeat gets it back; the same key with another body is a 422.
 *
 * The key is recorded *inside* the request's first write transaction (see `recordInTransaction`,
 * called by `tx()`), so the record and its key commit together: a crash cannot leave a case
 * without its key, and concurrent repeats race on the key's primary key — the losers roll their
 * whole write back and replay the winner's response. Only successes are kept: a failed request
 * wrote nothing (one transaction per write), so its key may be retried.
 */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAY_WAIT_MS = 5000;

interface Claim {
  userId: string;
  key: string;
  hash: string;
  method: string;
  path: string;
  reply: FastifyReply;
  /** Set once the key row has been written (by the first transaction or by onSend). */
  recorded: boolean;
  /** What the transaction stored as the answer: onSend rewrites it only when the response differs. */
  stored?: { status: number; body: string | null };
}

const current = new AsyncLocalStorage<Claim>();

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Claim;
  }
}

/** Thrown inside the losing transaction of a concurrent repeat: it rolls back, then replays. */
class IdempotentReplay extends Error {
  readonly claim: Claim;
  constructor(claim: Claim) {
    super('idempotent replay');
    this.claim = claim;
  }
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errcode?: number; message?: string };
  return (
    e.code === '23505' ||
    e.errcode === 1555 ||
    e.errcode === 2067 ||
    /UNIQUE constraint/.test(e.message ?? '')
  );
}

/** Canonical JSON (sorted keys) so the same request written twice hashes the same. */
function canonical(v: unknown): string {
  // An upload's raw bytes: their digest, not a JSON array of every byte.
  if (v instanceof Uint8Array) return `"sha256:${createHash('sha256').update(v).digest('hex')}"`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function keyRow(ctx: Ctx, claim: Claim, status: number, body: string | null) {
  const now = ctx.clock.now();
  return {
    user_id: claim.userId,
    key: claim.key,
    request_hash: claim.hash,
    method: claim.method,
    path: claim.path,
    status,
    body,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
  };
}

/**
 * The status the route answers on success. Inside the transaction the handler has not set it yet
 * (it sets 201 after the write returns), and a concurrent repeat may replay this row before onSend
 * stores the final one: so take it from the route's response schema (its one 2xx), not the reply.
 */
function successStatus(reply: FastifyReply): number {
  const response = (reply.request.routeOptions.schema as { response?: Record<string, unknown> } | undefined)
    ?.response;
  const codes = Object.keys(response ?? {})
    .map(Number)
    .filter((c) => c >= 200 && c < 300);
  return codes.length === 1 ? codes[0]! : reply.statusCode;
}

/**
 * Called by tx() before each attempt: the returned function puts the claim back as it was, for when
 * the attempt rolls back (its key row went with it, so the next attempt or onSend must write it).
 */
export function claimCheckpoint(): () => void {
  const claim = current.getStore();
  if (!claim) return () => {};
  const { recorded, stored } = claim;
  return () => {
    claim.recorded = recorded;
    claim.stored = stored;
  };
}

/** Called by tx() after the transaction's work: writes the key in the same transaction. */
export async function recordInTransaction(trx: Executor, ctx: Ctx, result: unknown): Promise<void> {
  const claim = current.getStore();
  if (!claim || claim.recorded) return;
  claim.recorded = true;
  const stored = {
    status: successStatus(claim.reply),
    body: result && typeof result === 'object' ? JSON.stringify(result) : null,
  };
  claim.stored = stored;
  try {
    await trx
      .insertInto('idempotency_keys')
      // The body is a fallback until onSend stores the serialized response (missing only if the process dies in between).
      .values(keyRow(ctx, claim, stored.status, stored.body))
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new IdempotentReplay(claim);
    throw err;
  }
}

async function lookup(ctx: Ctx, userId: string, key: string) {
  return ctx.store.db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
}

async function replay(ctx: Ctx, claim: Claim, reply: FastifyReply): Promise<FastifyReply> {
  const deadline = Date.now() + REPLAY_WAIT_MS;
  for (;;) {
    const row = await lookup(ctx, claim.userId, claim.key);
    if (row && row.request_hash !== claim.hash) throw reused();
    if (row?.body != null) {
      return reply
        .code(row.status)
        .header('idempotent-replayed', 'true')
        .type('application/json; charset=utf-8')
        .send(row.body);
    }
    if (Date.now() > deadline) {
      throw new AppError(
        'idempotency.in_progress',
        'The first request with this key is still being processed',
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const reused = () =>
  new AppError('idempotency.key_reused', 'This Idempotency-Key was used with a different request', {
    errors: [
      fieldError('/headers/idempotency-key', 'idempotencyKeyReused', 'was used with a different request'),
    ],
  });

/**
 * Install on the API: wrap POST handlers so their transactions see the claim, check the key before
 * the handler runs, and store the response after it.
 */
export function installIdempotency(app: FastifyInstance, ctx: Ctx): void {
  app.addHook('onRoute', (r) => {
    const methods = [r.method].flat();
    if (!methods.includes('POST') || r.config?.access === 'public') return;
    const handler = r.handler;
    r.handler = async function (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      const claim = req.idempotency;
      if (!claim) return handler.call(this, req, reply);
      try {
        return await current.run(claim, () => handler.call(this, req, reply));
      } catch (err) {
        // A concurrent repeat lost the race on the key: its write rolled back; answer as the winner did.
        if (err instanceof IdempotentReplay) return replay(ctx, claim, reply);
        // It may also have failed on the winner's change itself (a version conflict, "already ended"):
        // when the winner's response is stored by now, that is the answer to this repeat too.
        const row = await lookup(ctx, claim.userId, claim.key);
        if (row && row.request_hash === claim.hash && row.body != null) return replay(ctx, claim, reply);
        throw err;
      }
    } as typeof r.handler;
    const preHandlers = [r.preHandler ?? []].flat();
    r.preHandler = [
      ...preHandlers,
      async (req: FastifyRequest, reply: FastifyReply) => {
        const raw = req.headers['idempotency-key'];
        if (raw === undefined || !req.actor) return;
        const key = Array.isArray(raw) ? raw[0]! : raw;
        if (!KEY.test(key))
          throw invalid(
            '/headers/idempotency-key',
            'idempotencyKey',
            'must be 1–255 printable ASCII characters',
          );
        const path = req.url.split('?')[0]!;
        const hash = createHash('sha256')
          .update(`POST ${path}\n${canonical(req.body ?? null)}`)
          .digest('hex');
        const claim: Claim = {
          userId: req.actor.userId,
          key,
          hash,
          method: 'POST',
          path,
          reply,
          recorded: false,
        };
        const row = await lookup(ctx, claim.userId, key);
        if (row && Date.parse(row.expires_at) <= ctx.clock.now().getTime()) {
          await ctx.store.db
            .deleteFrom('idempotency_keys')
            .where('user_id', '=', claim.userId)
            .where('key', '=', key)
            .execute();
        } else if (row) {
          return replay(ctx, claim, reply);
        }
        req.idempotency = claim;
        pruneHourly(ctx);
      },
    ];
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const claim = req.idempotency;
    if (!claim || reply.getHeader('idempotent-replayed')) return payload;
    if (reply.statusCode >= 300 || typeof payload !== 'string') return payload;
    if (claim.recorded) {
      // Most routes answer exactly the object they returned: then the row already holds the answer.
      if (claim.stored?.status === reply.statusCode && claim.stored.body === payload) return payload;
      await ctx.store.db
        .updateTable('idempotency_keys')
        .set({ status: reply.statusCode, body: payload })
        .where('user_id', '=', claim.userId)
        .where('key', '=', claim.key)
        .execute();
    } else {
      // The handler wrote outside tx() (or wrote nothing): keep the response all the same.
      claim.recorded = true;
      await ctx.store.db
        .insertInto('idempotency_keys')
        .values(keyRow(ctx, claim, reply.statusCode, payload))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    return payload;
  });
}

const lastPrune = new WeakMap<Ctx, number>();
/**
 * Keys are pruned by the requests that make them, at most hourly per process, after the response
 * (so no request waits for it): an hour's expired keys is a small indexed delete.
 */
function pruneHourly(ctx: Ctx): void {
  const now = ctx.clock.now().getTime();
  if (now - (lastPrune.get(ctx) ?? 0) < 3600_000) return;
  lastPrune.set(ctx, now);
  setImmediate(() => void pruneIdempotencyKeys(ctx).catch(() => {}));
}

/** Forget keys past their 24 hours (the expiry is indexed). */
export async function pruneIdempotencyKeys(ctx: Ctx): Promise<number> {
  const r = await ctx.store.db
    .deleteFrom('idempotency_keys')
    .where('expires_at', '<=', ctx.clock.now().toISOString())
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
