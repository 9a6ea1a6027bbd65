import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import type { Department, Role, Team, Token, UserDto } from '../../../shared/contracts/people.ts';
import type { ApiTokensTable, DepartmentsTable, TeamsTable, UsersTable } from '../../platform/db/schema.ts';

export function presentUser(u: Selectable<UsersTable>): UserDto {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    displayName: u.display_name,
    role: u.role as Role,
    teamId: u.team_id,
    departmentId: u.department_id,
    active: Boolean(u.active),
    lockedUntil: u.locked_until,
    createdAt: u.created_at,
  };
}

export function presentTeam(t: Selectable<TeamsTable>): Static<typeof Team> {
  return {
    id: t.id,
    name: t.name,
    departmentId: t.department_id,
    leaderId: t.leader_id,
    createdAt: t.created_at,
  };
}

export function presentDepartment(d: Selectable<DepartmentsTable>): Static<typeof Department> {
  return {
    id: d.id,
    name: d.name,
    purpose: d.purpose,
    phone: d.phone,
    email: d.email,
    hours: d.hours,
    external: Boolean(d.external),
    active: Boolean(d.active),
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  };
}

export function presentToken(t: Selectable<ApiTokensTable>): Static<typeof Token> {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.created_at,
    expiresAt: t.expires_at,
    lastUsedAt: t.last_used_at,
    revokedAt: t.revoked_at,
  };
}
