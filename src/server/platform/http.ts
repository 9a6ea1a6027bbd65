import { Ajv, type ErrorObject } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError, invalid, toProblem } from './errors.ts';

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
    }
    const key = `${field}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field, message });
  }
  return out;
}

const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Before validation: refuse NUL characters anywhere in the input (PostgreSQL cannot store them in
 * text, and no field needs one), and lower-case UUIDs, which are case-insensitive but stored as text.
 */
export function installInputHygiene(app: FastifyInstance): void {
  const clean = (value: unknown, pointer: string): unknown => {
    if (typeof value === 'string') {
      if (value.includes('\u0000')) throw invalid(pointer, 'must not contain NUL characters');
      return UUID_ANY_CASE.test(value) ? value.toLowerCase() : value;
    }
    if (Array.isArray(value)) return value.map((v, i) => clean(v, `${pointer}/${i}`));
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = clean(o[k], `${pointer}/${k}`);
    }
    return value;
  };
  app.addHook('preValidation', async (req) => {
    req.params = clean(req.params, '/params') as typeof req.params;
    req.query = clean(req.query, '/query') as typeof req.query;
    req.body = clean(req.body, '/body') as typeof req.body;
  });
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  return reply
    .code(err.status)
    .type('application/problem+json')
    .send(toProblem(err, request.url.split('?')[0]));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(
    (error: FastifyError & { validation?: ErrorObject[]; validationContext?: string }, request, reply) => {
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
