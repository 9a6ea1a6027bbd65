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

export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  /** Extra request headers, e.g. `If-Match` with the version of the record being changed. */
  opts: { headers?: Record<string, string>; keepalive?: boolean } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await request(method, path, body, opts);
  } catch {
    // No answer at all (offline, the server down): said in the reader's language, as a problem like the others.
    throw new ApiError({ type: 'about:blank', title: t('api.unreachable'), status: 0, code: 'network' });
  }
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => ({
    // An answer that is not the API's (a proxy's error page): only its status is known.
    type: 'about:blank',
    title: t('api.noProblem', { status: res.status }),
    status: res.status,
    code: 'internal',
  }));
  if (!res.ok) throw new ApiError(data as ProblemDto);
  return data as T;
}

function request(
  method: string,
  path: string,
  body: unknown,
  opts: { headers?: Record<string, string>; keepalive?: boolean },
): Promise<Response> {
  return fetch(`/api/v1${path}`, {
    method,
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
