import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import helmet from '@fastify/helmet';
import { Ajv, type ErrorObject } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify';
import {
  type FieldParams,
  type FieldProblem,
  type FieldRule,
  NAMED_PATTERNS,
  SCHEMA_RULES,
  type SchemaRule,
} from '../../shared/field-rules.ts';
import { classifyDbError, RETRY_AFTER_SECONDS } from './db/errors.ts';
import { AppError, type ErrorCode, type FieldError, fieldError, invalid, toProblem } from './errors.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = (addFormatsModule as unknown as { default: { default: (ajv: Ajv) => Ajv } }).default
  .default;

/**
 * Two validators: bodies are checked strictly (a string where a number belongs is an error, and
 * unknown fields are refused, not silently dropped); query strings and path params are text on the
 * wire, so they are coerced.
 */
export function installValidators(app: FastifyInstance): void {
  const common = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
  const strict = new Ajv({ ...common, coerceTypes: false });
  const coercing = new Ajv({ ...common, coerceTypes: 'array' });
  addFormats(strict);
  addFormats(coercing);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strict.compile(schema) : coercing.compile(schema),
  );
}

const LENGTH_WORDS = {
  minLength: ['at least', 'character'],
  maxLength: ['at most', 'character'],
  minItems: ['at least', 'item'],
  maxItems: ['at most', 'item'],
} as const;

const SCHEMA_RULE_SET: ReadonlySet<string> = new Set(SCHEMA_RULES);
const PATTERN_NAMES = new Map<string, keyof typeof NAMED_PATTERNS>(
  Object.entries(NAMED_PATTERNS).map(([rule, pattern]) => [pattern, rule as keyof typeof NAMED_PATTERNS]),
);
const PATTERN_WORDS: Record<keyof typeof NAMED_PATTERNS, string> = {
  senderPattern: 'must be an address (someone@example.com) or a whole domain (@example.com)',
};

/** Ajv's params as a rule's values: numbers, strings and lists of them (none for the unions' branch counts). */
function ruleParams(e: ErrorObject): FieldParams | undefined {
  if (e.keyword === 'anyOf' || e.keyword === 'oneOf') return undefined;
  const out: Record<string, FieldParams[string]> = {};
  for (const [k, v] of Object.entries(e.params as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Ajv errors → one entry per failing field, as JSON Pointers into the request. */
export function fieldErrors(errors: ErrorObject[], part: string): FieldError[] {
  // anyOf/oneOf report every branch; keep only the summary for that path.
  const unionPaths = new Set(
    errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath),
  );
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if ([...unionPaths].some((p) => e.schemaPath.startsWith(`${p}/`))) continue;
    let field = `/${part === 'querystring' ? 'query' : part}${e.instancePath}`;
    let message = e.message ?? 'is not valid';
    // The keyword is the rule; one the list lacks (a test keeps the route schemas to the list) is `invalid`.
    const known = SCHEMA_RULE_SET.has(e.keyword);
    const named =
      e.keyword === 'pattern' ? PATTERN_NAMES.get((e.params as { pattern: string }).pattern) : undefined;
    const rule: FieldRule = named ?? (known ? (e.keyword as SchemaRule) : 'invalid');
    const params = named ? undefined : known ? ruleParams(e) : { keyword: e.keyword };
    if (named) message = PATTERN_WORDS[named];
    if (e.keyword === 'required') {
      field += `/${(e.params as { missingProperty: string }).missingProperty}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      field += `/${(e.params as { additionalProperty: string }).additionalProperty}`;
      message = 'is not a known field';
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    } else if (e.keyword === 'minProperties') {
      message = 'must contain at least one field';
    } else if (e.keyword in LENGTH_WORDS) {
      // Ajv says "must NOT have fewer than 12 characters"; people read the plain form.
      const limit = (e.params as { limit: number }).limit;
      const [least, unit] = LENGTH_WORDS[e.keyword as keyof typeof LENGTH_WORDS];
      message =
        limit === 1 && least === 'at least'
          ? 'must not be empty'
          : `must be ${least} ${limit} ${unit}${limit === 1 ? '' : 's'}`;
    }
    const key = `${field}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fieldError(field, rule, message, params));
  }
  return out;
}

const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Deeper than any contract goes (the deepest is a handful of levels); more is an attack or a bug. */
export const MAX_INPUT_DEPTH = 64;

/** RFC 6901: `~` and `/` inside a name are escaped, so the pointer names exactly one field. */
const pointerTo = (pointer: string, key: string): string =>
  `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * Text no field may hold: NUL (PostgreSQL cannot store it in text) and unpaired UTF-16
 * surrogates (PostgreSQL refuses them in JSON columns, and they are not Unicode text anywhere).
 */
function textProblem(value: string, name = false): FieldProblem | undefined {
  // A field's name is checked too, and said to be the name.
  const prefix = name ? 'field name ' : '';
  if (value.includes('\u0000'))
    return {
      rule: name ? 'fieldNameNulCharacter' : 'nulCharacter',
      message: `${prefix}must not contain NUL characters`,
    };
  if (!value.isWellFormed())
    return {
      rule: name ? 'fieldNameUnpairedSurrogate' : 'unpairedSurrogate',
      message: `${prefix}must not contain unpaired surrogate characters (invalid Unicode)`,
    };
  return undefined;
}

function cleanText(value: string, pointer: string): string {
  const problem = textProblem(value);
  if (problem) throw invalid(pointer, problem.rule, problem.message);
  return UUID_ANY_CASE.test(value) ? value.toLowerCase() : value;
}

/**
 * Walks parsed input with an explicit stack, not recursion: a body of a few hundred kilobytes
 * can nest tens of thousands of levels, which overflowed the call stack (a 500 before login).
 * Nesting beyond MAX_INPUT_DEPTH is refused; strings and property names are checked as text.
 */
export function cleanInput(root: unknown, rootPointer: string): unknown {
  if (typeof root === 'string') return cleanText(root, rootPointer);
  // A file's bytes (an upload's raw body) are not text: nothing to clean, and not walked byte by byte.
  if (root instanceof Uint8Array) return root;
  if (!root || typeof root !== 'object') return root;
  const stack: { node: Record<string, unknown>; pointer: string; depth: number }[] = [
    { node: root as Record<string, unknown>, pointer: rootPointer, depth: 1 },
  ];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { node, pointer, depth } = top;
    if (depth > MAX_INPUT_DEPTH)
      throw invalid(pointer, 'nestedTooDeep', `is nested more than ${MAX_INPUT_DEPTH} levels deep`, {
        limit: MAX_INPUT_DEPTH,
      });
    const isArray = Array.isArray(node);
    for (const key of Object.keys(node)) {
      const at = pointerTo(pointer, key);
      if (!isArray) {
        const problem = textProblem(key, true);
        if (problem) throw invalid(at, problem.rule, problem.message);
      }
      const child = node[key];
      if (typeof child === 'string') node[key] = cleanText(child, at);
      else if (child && typeof child === 'object')
        stack.push({ node: child as Record<string, unknown>, pointer: at, depth: depth + 1 });
    }
  }
  return root;
}

/**
 * Before validation: refuse text no field needs and that breaks storage (NUL, unpaired
 * surrogates) and absurd nesting, each as a 400 naming the field; lower-case UUIDs, which are
 * case-insensitive but stored as text.
 */
export function installInputHygiene(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    req.params = cleanInput(req.params, '/params') as typeof req.params;
    req.query = cleanInput(req.query, '/query') as typeof req.query;
    req.body = cleanInput(req.body, '/body') as typeof req.body;
  });
}

/** The one 429 today is the login window of a minute; a 429 that knows better passes `extra.retryAfter`. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

/**
 * RFC 9110 Retry-After in seconds: an error's own `extra.retryAfter` (a sign-in lock's time left),
 * else a default for a 429 and for an unavailable database; none for other errors.
 */
function retryAfter(err: AppError): number | undefined {
  const seconds = err.extra?.retryAfter;
  if (typeof seconds === 'number' && seconds > 0) return Math.ceil(seconds);
  if (err.status === 429) return DEFAULT_RETRY_AFTER_SECONDS;
  if (err.code === 'service.unavailable') return RETRY_AFTER_SECONDS;
  return undefined;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  const seconds = retryAfter(err);
  if (seconds !== undefined) reply.header('retry-after', String(seconds));
  return reply
    .code(err.status)
    .type('application/problem+json')
    .send(toProblem(err, request.url.split('?')[0]));
}

/**
 * Headers for answers written outside the route lifecycle (no hooks run there, so helmet does not
 * either): Fastify's router errors and Node's raw client errors.
 */
const EDGE_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/**
 * Fastify's `frameworkErrors`: errors its router raises before any route runs (a path parameter
 * longer than maxParamLength, a malformed percent-encoding) answered as problems, not Fastify's JSON.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.headers(EDGE_HEADERS);
  const path = request.raw.url?.split('?')[0] ?? '/';
  const err =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new AppError('request.param_too_long', 'A path parameter is longer than the server accepts')
      : error.code === 'FST_ERR_BAD_URL'
        ? invalid('/params', 'urlEncoding', 'is not a valid URL component (bad percent-encoding)')
        : new AppError('internal');
  if (err.code === 'internal') request.log.error({ err: error }, 'router error');
  reply.code(err.status).type('application/problem+json').send(toProblem(err, path));
}

const CLIENT_ERRORS: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'request.header_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request.timeout',
};

/**
 * Fastify's `clientErrorHandler` (Node's 'clientError'): a request Node refused before Fastify saw
 * it — headers or query over maxHeaderSize (431), too slow to arrive (408), not HTTP (400). Fastify
 * writes `application/json` here; this writes the same problem document as every other error.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = CLIENT_ERRORS[error.code ?? ''];
  const err = code ? new AppError(code) : new AppError('request.invalid', 'The request is not valid HTTP');
  this.log.debug({ err: error }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(toProblem(err));
    const headers = Object.entries(EDGE_HEADERS)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(
      `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status]}\r\ncontent-type: application/problem+json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n${headers}connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * While closing, requests still arriving on open keep-alive connections get a 503 problem (Fastify's
 * own `return503OnClosing` answers JSON; it is turned off in app.ts). A load balancer retries them
 * on another node.
 */
export function installClosingGuard(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    return sendProblem(reply, req, new AppError('server.closing'));
  });
}

/**
 * Request log lines carry the path and the names of the query parameters, never their values:
 * a customer search is an ID or phone number, and logs are kept and shipped far longer than data.
 */
export function redactedRequestLog(req: FastifyRequest): Record<string, unknown> {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  let logged = q < 0 ? url : url.slice(0, q);
  if (q >= 0) {
    const names = [...new Set(new URLSearchParams(url.slice(q + 1)).keys())].slice(0, 20);
    if (names.length)
      logged += `?${names.map((n) => `${encodeURIComponent(n.slice(0, 40))}=[redacted]`).join('&')}`;
  }
  return {
    method: req.method,
    url: logged,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** Logger options for buildApp: the caller's (or the configured level), always with the redacting serializer. */
export function loggerOptions(
  given: FastifyServerOptions['logger'],
  level: string,
): FastifyServerOptions['logger'] {
  if (given === false) return false;
  const base = typeof given === 'object' && given ? given : { level };
  return { ...base, serializers: { ...base.serializers, req: redactedRequestLog } };
}

/**
 * Security headers on every response (helmet) and no caching of API answers, which carry personal
 * data. The CSP fits the built desktop (Vite emits external script and style files only) and the
 * API docs (swagger-ui: external scripts, inline style attributes, data: images). Inline styles are
 * allowed because article tables align cells with a sanitised `style` attribute; scripts are not.
 */
export async function installSecurityHeaders(app: FastifyInstance, apiPrefix: string): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Articles may show pictures from the web, as the public help centre does.
        imgSrc: ["'self'", 'data:', 'https:', 'http:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // No upgrade-insecure-requests: a LAN install on plain HTTP would lose every asset.
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The operator's domain may have plain-HTTP neighbours: HSTS for this host only.
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
  });
  const docsStatic = `${apiPrefix}/docs/static/`;
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith(`${apiPrefix}/`) && !req.url.startsWith(docsStatic)) {
      reply.header('cache-control', 'no-store');
    }
  });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(
    (error: FastifyError & { validation?: ErrorObject[]; validationContext?: string }, request, reply) => {
      // The database down, unreachable, read-only or full: a 503 to retry, with the real cause logged.
      const unavailable = classifyDbError(error);
      if (unavailable) {
        if (!(error instanceof AppError)) request.log.warn({ err: error }, 'database unavailable');
        return sendProblem(reply, request, unavailable);
      }
      if (error instanceof AppError) return sendProblem(reply, request, error);
      if (error.validation) {
        const errors = fieldErrors(error.validation, error.validationContext ?? 'body');
        const detail = errors.map((e) => `${e.field} ${e.message}`).join('; ');
        return sendProblem(reply, request, new AppError('request.invalid', detail, { errors }));
      }
      switch (error.code) {
        case 'FST_ERR_CTP_INVALID_JSON_BODY':
        case 'FST_ERR_CTP_EMPTY_JSON_BODY':
          return sendProblem(reply, request, new AppError('request.malformed_json', error.message));
        case 'FST_ERR_CTP_BODY_TOO_LARGE':
          return sendProblem(reply, request, new AppError('request.too_large'));
        case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
          return sendProblem(reply, request, new AppError('request.unsupported_media_type', error.message));
      }
      if (error instanceof SyntaxError || (error.statusCode && error.statusCode < 500)) {
        return sendProblem(reply, request, new AppError('request.invalid', error.message));
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(reply, request, new AppError('internal'));
    },
  );
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      new AppError('route.not_found', `${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
