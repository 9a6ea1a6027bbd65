import { type Static, type TSchema, Type } from 'typebox';
import { FIELD_RULES } from '../field-rules.ts';

/** A string enum as plain `{type: string, enum}` JSON Schema, so validation errors read cleanly. */
export function StringEnum<const T extends readonly string[]>(values: T, opts: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts });
}

/** A nullable primitive as `type: [T, "null"]` (cheaper to validate and serialise than anyOf). */
export function Nullable<S extends TSchema>(schema: S) {
  const s = schema as unknown as { type: string };
  return Type.Unsafe<Static<S> | null>({ ...schema, type: [s.type, 'null'] });
}

export const Uuid = Type.String({ format: 'uuid', description: 'A UUID (v7, time-ordered)' });
export const Timestamp = Type.String({ format: 'date-time' });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });
}

/**
 * One failing field: a JSON Pointer into the request, what is wrong as a stable `rule` with the
 * values its words need (`params`, e.g. `{limit: 200}`; src/shared/field-rules.ts lists the rules),
 * and the same in English for people reading the answer directly.
 */
export const FieldError = Type.Object({
  field: Type.String({ description: 'JSON Pointer into the request, e.g. /body/mobile or /query/limit' }),
  message: Type.String({ description: 'What is wrong, in English' }),
  rule: StringEnum(FIELD_RULES, {
    description: 'What is wrong, as a stable name: a JSON Schema keyword or a named check',
  }),
  params: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), { description: 'The rule\'s values, e.g. {"limit": 200}' }),
  ),
});
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldError)),
  },
  { $id: 'Problem', additionalProperties: true },
);
