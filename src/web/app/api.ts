import { t } from '../i18n/index.ts';
import type { FieldErrorDto, ProblemDto } from './types.ts';

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** A problem+json answer from the API, with the failing fields for display beside them. */
export class ApiError extends Error {
  readonly problem: ProblemDto;
  constructor(problem: ProblemDto) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
  }
  /** The message for one field (by the last part of its pointer), if the API named it. */
  fieldMessage(name: string): string | undefined {
    return this.problem.errors?.find((e: FieldErrorDto) => e.field.split('/').pop() === name)?.message;
  }
}

/**
 * How long the desktop waits for an answer. The server gives up on a statement after 15 s and on
 * the database after 17 s, so an answer later than this is not coming: say so rather than spin.
 */
export const API_TIMEOUT_MS = 30_000;

const timedOut = () =>
  new ApiError({
    type: 'about:blank',
    title: t('api.timeout', { seconds: Math.round(API_TIMEOUT_MS / 1000) }),
    status: 0,
    code: 'timeout',
  });

export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  /** Extra request headers, e.g. `If-Match` with the version of the record being changed. */
  opts: { headers?: Record<string, string>; keepalive?: boolean; timeoutMs?: number } = {},
): Promise<T> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? API_TIMEOUT_MS);
  let res: Response;
  try {
    res = await request(method, path, body, opts, signal);
  } catch {
    if (signal.aborted) throw timedOut();
    // No answer at all (offline, the server down): said in the reader's language, as a problem like the others.
    throw new ApiError({ type: 'about:blank', title: t('api.unreachable'), status: 0, code: 'network' });
  }
  if (res.status === 204) return undefined as T;
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    if (signal.aborted) throw timedOut();
    // An answer that is not the API's (a proxy's error page): only its status is known.
    throw new ApiError({
      type: 'about:blank',
      title: t('api.noProblem', { status: res.status }),
      status: res.status,
      code: 'internal',
    });
  }
  if (!res.ok) throw new ApiError(data as ProblemDto);
  return data as T;
}

function request(
  method: string,
  path: string,
  body: unknown,
  opts: { headers?: Record<string, string>; keepalive?: boolean },
  signal: AbortSignal,
): Promise<Response> {
  return fetch(`/api/v1${path}`, {
    method,
    signal,
    credentials: 'same-origin',
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {}),
      ...opts.headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    // keepalive: the request outlives the page (a draft saved as the officer reloads or leaves).
    ...(opts.keepalive ? { keepalive: true } : {}),
  });
}
