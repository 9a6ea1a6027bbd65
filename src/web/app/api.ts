import { problemWords, ruleWords, t } from '../i18n/index.ts';
import type { FieldErrorDto, ProblemDto } from './types.ts';

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/**
 * A field error as the desktop shows it: the API's, with `where` when the screen names the place
 * itself in the reader's words (a line of pasted text the API knows only by its index).
 */
export type ShownFieldError = FieldErrorDto & { where?: string };

/** A field's problem in words: the catalogue's for its rule, else (a rule it lacks) the server's English, which is data. */
export function fieldWords(e: Pick<FieldErrorDto, 'rule' | 'params' | 'message'>): {
  text: string;
  data: boolean;
} {
  const words = ruleWords(e.rule, e.params);
  return words === undefined ? { text: e.message, data: true } : { text: words, data: false };
}

/**
 * A problem+json answer from the API, with the failing fields for display beside them. It is said
 * in the reader's language (docs/i18n.md): `title` is the catalogue's words for the stable `code`,
 * each field's words come from its `rule`; the server's English is kept only for what the catalogue
 * cannot say — `detail`'s specifics (an id, a name), and a code or rule it does not know — as data.
 * A problem the desktop makes itself (no answer, a check before sending) is `local`: already in the
 * reader's words.
 */
export class ApiError extends Error {
  readonly problem: ProblemDto;
  /** What went wrong, in the reader's language. */
  readonly title: string;
  /** Whether `title` is the server's English because the catalogue lacks the code. */
  readonly titleIsData: boolean;
  /**
   * The server's specifics beyond the title, in English (data): none when the field errors say
   * it, and the title's own words left out (a not-found's detail is "No such case: <id>").
   */
  readonly detail: string | undefined;
  constructor(problem: ProblemDto, opts: { local?: boolean } = {}) {
    const words = opts.local ? problem.title : problemWords(problem.code);
    const title = words ?? problem.title;
    const detail = specifics(problem);
    super(detail ? `${title}: ${detail}` : title);
    this.problem = problem;
    this.title = title;
    this.titleIsData = words === undefined;
    this.detail = detail;
  }
  /** The failing field (by the last part of its pointer), if the API named it. */
  field(name: string): FieldErrorDto | undefined {
    return this.problem.errors?.find((e: FieldErrorDto) => e.field.split('/').pop() === name);
  }
  /** The words for one field (by the last part of its pointer), if the API named it. */
  fieldMessage(name: string): string | undefined {
    const e = this.field(name);
    return e && fieldWords(e).text;
  }
}

/** A problem (or any fault) as one line of text, for a string the catalogue puts it in. */
export const problemMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** What `detail` adds to the title; nothing when the fields say it or it only repeats the title. */
function specifics(p: ProblemDto): string | undefined {
  if (p.errors?.length || !p.detail || p.detail === p.title) return undefined;
  return p.detail.startsWith(`${p.title}: `) ? p.detail.slice(p.title.length + 2) : p.detail;
}

/**
 * How long the desktop waits for an answer. The server gives up on a statement after 15 s and on
 * the database after 17 s, so an answer later than this is not coming: say so rather than spin.
 */
export const API_TIMEOUT_MS = 30_000;

const timedOut = () =>
  new ApiError(
    {
      type: 'about:blank',
      title: t('api.timeout', { seconds: Math.round(API_TIMEOUT_MS / 1000) }),
      status: 0,
      code: 'timeout',
    },
    { local: true },
  );

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
    throw new ApiError(
      { type: 'about:blank', title: t('api.unreachable'), status: 0, code: 'network' },
      { local: true },
    );
  }
  if (res.status === 204) return undefined as T;
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    if (signal.aborted) throw timedOut();
    // An answer that is not the API's (a proxy's error page): only its status is known.
    throw new ApiError(
      {
        type: 'about:blank',
        title: t('api.noProblem', { status: res.status }),
        status: res.status,
        code: 'internal',
      },
      { local: true },
    );
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
  // A file (an upload) goes as its own bytes with its own type; anything else as JSON.
  const file = body instanceof Blob ? body : null;
  return fetch(`/api/v1${path}`, {
    method,
    signal,
    credentials: 'same-origin',
    headers: {
      ...(file
        ? { 'content-type': file.type || 'application/octet-stream' }
        : body !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
      ...(method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {}),
      ...opts.headers,
    },
    ...(file ? { body: file } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    // keepalive: the request outlives the page (a draft saved as the officer reloads or leaves).
    ...(opts.keepalive ? { keepalive: true } : {}),
  });
}
