import { AppError } from '../errors.ts';

/** Seconds a client is asked to wait before retrying while the database is unavailable. */
export const RETRY_AFTER_SECONDS = 5;

/** Node's socket errors: the database host refused, reset, or cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs that say "the server is going away or not there", not "your query is
 * wrong": admin shutdown or pg_terminate_backend (57P01), crash shutdown (57P02), starting up or
 * in recovery (57P03), too many connections (53300), and the whole connection-exception class 08.
 * 57014 is a statement cancelled by statement_timeout: the database is too slow to answer.
 */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** node-postgres and pg-pool report a lost or refused connection by message only. */
const PG_CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client was closed and is not queryable',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

/**
 * SQLite primary result codes (the low byte of an extended code) that are about the disk or the
 * file, not the statement. Each detail says what an operator can do about it.
 */
const SQLITE_UNAVAILABLE: Record<number, string> = {
  5: 'The database is busy (locked by another process): try again shortly.',
  8: 'The database is read-only: check the permissions of the data directory and its files.',
  10: 'The disk reported an I/O error while reading or writing the database.',
  13: 'The database disk is full: free space in the data directory; writes resume without a restart.',
  14: 'The database file cannot be opened: check that the data directory exists and is writable.',
};

interface ErrorLike {
  code?: unknown;
  errcode?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
}

function classifyOne(e: ErrorLike): string | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  if (code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') {
    return SQLITE_UNAVAILABLE[e.errcode & 0xff];
  }
  if (code && NETWORK_CODES.has(code)) return `The database is unreachable (${code}).`;
  if (code && (PG_UNAVAILABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
    return code === '57014'
      ? 'The database did not answer in time.'
      : `The database connection was lost or refused (${code}).`;
  }
  if (PG_CLIENT_MESSAGES.some((m) => message.startsWith(m)))
    return `The database connection was lost: ${message}.`;
  return undefined;
}

/**
 * A connection-level or storage failure (the database is down, unreachable, read-only or full)
 * as a 503 `service.unavailable`, or undefined for anything else (a bug, a constraint: a 500 or
 * the domain's own error). Looks through `cause` chains and AggregateError (a host name that
 * resolves to both ::1 and 127.0.0.1 fails with one error per address).
 */
export function classifyDbError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err.code === 'service.unavailable' ? err : undefined;
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e) || seen.size > 10) continue;
    seen.add(e);
    const detail = classifyOne(e as ErrorLike);
    if (detail) return new AppError('service.unavailable', detail);
    const { errors, cause } = e as ErrorLike;
    if (Array.isArray(errors)) queue.push(...errors);
    if (cause) queue.push(cause);
  }
  return undefined;
}
