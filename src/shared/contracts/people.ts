import { type Static, Type } from 'typebox';
import { ROLES } from '../vocabulary.ts';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';

export { ROLES, type Role } from '../vocabulary.ts';
export const RoleSchema = StringEnum(ROLES);

const Name = Type.String({ minLength: 1, maxLength: 120 });
const Username = Type.String({ minLength: 2, maxLength: 64, pattern: '^[a-z0-9._-]+$' });
/** NIST SP 800-63B: 12 to 256 characters, no composition rules; the server also refuses common and context-specific ones. */
const Password = Type.String({ minLength: 12, maxLength: 256 });
const Email = Type.String({ format: 'email', maxLength: 254 });

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const User = Type.Object({
  id: Uuid,
  username: Type.String(),
  email: Nullable(Type.String()),
  displayName: Type.String(),
  role: RoleSchema,
  teamId: Nullable(Uuid),
  departmentId: Nullable(Uuid),
  active: Type.Boolean(),
  /** Sign-in is locked after repeated failures until then (a past instant: no longer locked). */
  lockedUntil: Nullable(Timestamp),
  createdAt: Timestamp,
});
export type UserDto = Static<typeof User>;

export const SessionResponse = Type.Object({
  user: User,
  csrfToken: Type.String({ description: 'Send as the X-CSRF-Token header on cookie-authenticated writes' }),
  expiresAt: Timestamp,
});

/** The desktop's check on load: signed in (the session, as GET /auth/session) or not, never a 401. */
export const SessionProbe = Type.Object({
  signedIn: Type.Boolean(),
  user: Type.Optional(User),
  csrfToken: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Timestamp),
});

export const UserCreate = Type.Object(
  {
    username: Username,
    displayName: Name,
    role: RoleSchema,
    email: Type.Optional(Email),
    password: Password,
    teamId: Type.Optional(Nullable(Uuid)),
    departmentId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export const UserPatch = Type.Object(
  {
    displayName: Type.Optional(Name),
    role: Type.Optional(RoleSchema),
    email: Type.Optional(Nullable(Email)),
    password: Type.Optional(Password),
    teamId: Type.Optional(Nullable(Uuid)),
    departmentId: Type.Optional(Nullable(Uuid)),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** An administrator's reset of someone's password (POST /users/{id}/password). */
export const PasswordReset = Type.Object({ password: Password }, { additionalProperties: false });

export const Team = Type.Object({
  id: Uuid,
  name: Type.String(),
  departmentId: Nullable(Uuid),
  leaderId: Nullable(Uuid),
  createdAt: Timestamp,
});
export const TeamCreate = Type.Object(
  { name: Name, departmentId: Type.Optional(Nullable(Uuid)), leaderId: Type.Optional(Nullable(Uuid)) },
  { additionalProperties: false },
);

const Phone = Type.String({ minLength: 3, maxLength: 40, pattern: '^[0-9+()\\- ]+$' });
export const Department = Type.Object({
  id: Uuid,
  name: Type.String(),
  purpose: Type.String(),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  hours: Nullable(Type.String()),
  external: Type.Boolean({ description: 'An outside party (not part of the organisation)' }),
  active: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type DepartmentDto = Static<typeof Department>;
export const DepartmentCreate = Type.Object(
  {
    name: Name,
    purpose: Type.String({ minLength: 1, maxLength: 1000 }),
    phone: Type.Optional(Nullable(Phone)),
    email: Type.Optional(Nullable(Email)),
    hours: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    external: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const DepartmentPatch = Type.Object(
  {
    name: Type.Optional(Name),
    purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    phone: Type.Optional(Nullable(Phone)),
    email: Type.Optional(Nullable(Email)),
    hours: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    external: Type.Optional(Type.Boolean()),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TokenCreate = Type.Object(
  { name: Name, expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
  { additionalProperties: false },
);
export const Token = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Timestamp,
  expiresAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
});
export const TokenCreated = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Timestamp,
  expiresAt: Nullable(Timestamp),
  token: Type.String({ description: 'Shown once; send as `Authorization: Bearer <token>`' }),
});
