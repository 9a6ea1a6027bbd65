import type { Static } from 'typebox';
import type {
  DepartmentCreate,
  DepartmentPatch,
  TeamCreate,
  UserCreate,
  UserPatch,
} from '../../../shared/contracts/people.ts';
import { type Actor, audit, diff, SYSTEM_USER_ID } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { forgetAuthentications, normaliseUsername } from './auth.service.ts';
import { hashPassword } from './password.ts';
import { assertPasswordAcceptable } from './password-policy.ts';
import { presentDepartment, presentUser } from './people.present.ts';

const isUnique = (e: unknown): boolean => /unique/i.test(String((e as Error)?.message));

/** Users, teams and departments (the referral directory). Other modules read through here. */
export class PeopleService {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  private get db() {
    return this.ctx.store.db;
  }

  /** People, not the `system` row that inbound contacts and automatic cases point to: nobody manages it. */
  listUsers() {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '!=', SYSTEM_USER_ID)
      .orderBy('display_name')
      .execute();
  }

  async getUser(id: string) {
    const u = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!u || u.id === SYSTEM_USER_ID) throw notFound('user.not_found', id);
    return u;
  }

  async createUser(actor: Actor, input: Static<typeof UserCreate>) {
    assertPasswordAcceptable(input.password, { username: input.username, displayName: input.displayName });
    const at = nowIso(this.ctx);
    const row = {
      id: newId(),
      username: normaliseUsername(input.username),
      email: input.email ?? null,
      display_name: input.displayName,
      role: input.role,
      team_id: input.teamId ?? null,
      department_id: input.departmentId ?? null,
      password_hash: await hashPassword(input.password),
      active: true,
      failed_logins: 0,
      locked_until: null,
      created_at: at,
      updated_at: at,
    };
    return tx(this.ctx, async (trx) => {
      await this.assertRefs(trx, row.team_id, row.department_id);
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', row.username)
        .executeTakeFirst();
      if (taken) throw new AppError('user.username_taken', row.username);
      await trx.insertInto('users').values(row).execute();
      // Failures counted against this username before it existed do not carry over to the new account.
      await trx.deleteFrom('login_attempts').where('username', '=', row.username).execute();
      const presented = presentUser(row);
      await audit(trx, {
        at,
        actor,
        entityType: 'user',
        entityId: row.id,
        action: 'user.created',
        after: presented,
      });
      return presented;
    });
  }

  async updateUser(actor: Actor, id: string, input: Static<typeof UserPatch>) {
    if (input.password !== undefined) {
      const current = await this.getUser(id);
      assertPasswordAcceptable(input.password, {
        username: current.username,
        displayName: input.displayName ?? current.display_name,
      });
    }
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    const updated = await tx(this.ctx, async (trx) => {
      const before = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw notFound('user.not_found', id);
      const at = nowIso(this.ctx);
      const next = {
        ...before,
        display_name: input.displayName ?? before.display_name,
        role: input.role ?? before.role,
        email: input.email !== undefined ? input.email : before.email,
        team_id: input.teamId !== undefined ? input.teamId : before.team_id,
        department_id: input.departmentId !== undefined ? input.departmentId : before.department_id,
        active: input.active ?? Boolean(before.active),
        password_hash: passwordHash ?? before.password_hash,
        updated_at: at,
      };
      await this.assertRefs(trx, next.team_id, next.department_id);
      await trx.updateTable('users').set(next).where('id', '=', id).execute();
      // A deactivated user or changed password ends existing sessions.
      if (passwordHash || input.active === false)
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
      const d = diff(presentUser(before), presentUser(next));
      await audit(trx, {
        at,
        actor,
        entityType: 'user',
        entityId: id,
        action: 'user.updated',
        before: d.before,
        after: { ...d.after, ...(passwordHash ? { password: 'changed' } : {}) },
      });
      return presentUser(next);
    });
    // Role, team or activity may have changed: cached authentications must be looked up again.
    forgetAuthentications();
    return updated;
  }

  /** Lift a sign-in lock (and forget the failures counted so far) before it runs out. */
  async unlockUser(actor: Actor, id: string) {
    return tx(this.ctx, async (trx) => {
      const before = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw notFound('user.not_found', id);
      const at = nowIso(this.ctx);
      await trx
        .deleteFrom('login_attempts')
        .where('username', '=', normaliseUsername(before.username))
        .execute();
      await trx
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null, updated_at: at })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'user',
        entityId: id,
        action: 'user.unlocked',
        before: { lockedUntil: before.locked_until, failedLogins: before.failed_logins },
        after: { lockedUntil: null, failedLogins: 0 },
      });
      return presentUser({ ...before, failed_logins: 0, locked_until: null, updated_at: at });
    });
  }

  /**
   * An administrator sets a new password for someone who lost theirs: the rule applies, every
   * session of that user ends, and the sign-in lock is lifted so the new password works at once.
   */
  async resetPassword(actor: Actor, id: string, password: string) {
    const user = await this.getUser(id);
    assertPasswordAcceptable(password, { username: user.username, displayName: user.display_name });
    const passwordHash = await hashPassword(password);
    const presented = await tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null, updated_at: at })
        .where('id', '=', id)
        .execute();
      await trx
        .deleteFrom('login_attempts')
        .where('username', '=', normaliseUsername(user.username))
        .execute();
      const ended = await trx.deleteFrom('sessions').where('user_id', '=', id).executeTakeFirst();
      await audit(trx, {
        at,
        actor,
        entityType: 'user',
        entityId: id,
        action: 'user.password_reset',
        // Never the password or its hash: only that it changed and what else the reset did.
        after: {
          password: 'changed',
          sessionsEnded: Number(ended.numDeletedRows),
          unlocked: user.locked_until !== null,
        },
      });
      return presentUser({
        ...user,
        password_hash: passwordHash,
        failed_logins: 0,
        locked_until: null,
        updated_at: at,
      });
    });
    // The ended sessions must not live on in this node's one-second cache.
    forgetAuthentications();
    return presented;
  }

  private async assertRefs(trx: Executor, teamId: string | null, departmentId: string | null) {
    if (teamId && !(await trx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst())) {
      throw new AppError('team.not_found', teamId, {
        errors: [{ field: '/body/teamId', message: 'no such team', rule: 'noSuchTeam' }],
      });
    }
    if (departmentId && !(await this.departmentExists(trx, departmentId))) {
      throw new AppError('department.not_found', departmentId, {
        errors: [{ field: '/body/departmentId', message: 'no such department', rule: 'noSuchDepartment' }],
      });
    }
  }

  listTeams() {
    return this.db.selectFrom('teams').selectAll().orderBy('name').execute();
  }

  async createTeam(actor: Actor, input: Static<typeof TeamCreate>) {
    const at = nowIso(this.ctx);
    const row = {
      id: newId(),
      name: input.name,
      department_id: input.departmentId ?? null,
      leader_id: input.leaderId ?? null,
      created_at: at,
    };
    return tx(this.ctx, async (trx) => {
      await this.assertRefs(trx, null, row.department_id);
      if (row.leader_id) await this.getUserIn(trx, row.leader_id, '/body/leaderId');
      if (await trx.selectFrom('teams').select('id').where('name', '=', row.name).executeTakeFirst()) {
        throw new AppError('team.name_taken', row.name);
      }
      await trx.insertInto('teams').values(row).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'team',
        entityId: row.id,
        action: 'team.created',
        after: row,
      });
      return row;
    });
  }

  private async getUserIn(trx: Executor, id: string, field: string) {
    const u = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!u)
      throw new AppError('user.not_found', id, {
        errors: [{ field, message: 'no such user', rule: 'noSuchUser' }],
      });
    return u;
  }

  /**
   * Who stands above a case's owner: the leader of its team (or of the department's team), the
   * supervisors, the administrators. Escalations climb this chain.
   */
  async escalationChain(
    trx: Executor,
    c: { teamId: string | null; departmentId: string | null },
  ): Promise<{ teamLeaderId: string | null; supervisorIds: string[]; administratorIds: string[] }> {
    const leaderOf = async (where: 'id' | 'department_id', value: string) =>
      (
        await trx
          .selectFrom('teams')
          .innerJoin('users', 'users.id', 'teams.leader_id')
          .select('users.id')
          .where(`teams.${where}`, '=', value)
          .where('users.active', '=', true)
          .orderBy('teams.name')
          .executeTakeFirst()
      )?.id ?? null;
    // The department's team leader comes first when the case sits in a department's queue (the action party).
    let teamLeaderId = c.departmentId ? await leaderOf('department_id', c.departmentId) : null;
    if (!teamLeaderId && c.teamId) teamLeaderId = await leaderOf('id', c.teamId);
    if (!teamLeaderId && c.teamId) {
      teamLeaderId =
        (
          await trx
            .selectFrom('users')
            .select('id')
            .where('team_id', '=', c.teamId)
            .where('role', '=', 'team_leader')
            .where('active', '=', true)
            .orderBy('username')
            .executeTakeFirst()
        )?.id ?? null;
    }
    const byRole = async (role: string) =>
      (
        await trx
          .selectFrom('users')
          .select('id')
          .where('role', '=', role)
          .where('active', '=', true)
          .orderBy('username')
          .execute()
      ).map((r) => r.id);
    return {
      teamLeaderId,
      supervisorIds: await byRole('supervisor'),
      administratorIds: await byRole('administrator'),
    };
  }

  async departmentExists(trx: Executor, id: string): Promise<boolean> {
    return !!(await trx.selectFrom('departments').select('id').where('id', '=', id).executeTakeFirst());
  }

  async getDepartment(id: string, trx: Executor = this.db) {
    const d = await trx.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!d) throw notFound('department.not_found', id);
    return d;
  }

  listDepartments(opts: { includeInactive?: boolean | undefined; q?: string | undefined } = {}) {
    let q = this.db.selectFrom('departments').selectAll().orderBy('external').orderBy('name');
    if (!opts.includeInactive) q = q.where('active', '=', true);
    if (opts.q) {
      const like = `%${opts.q.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) =>
        eb.or([eb(eb.fn('lower', ['name']), 'like', like), eb(eb.fn('lower', ['purpose']), 'like', like)]),
      );
    }
    return q.execute();
  }

  async createDepartment(actor: Actor, input: Static<typeof DepartmentCreate>) {
    const at = nowIso(this.ctx);
    const row = {
      id: newId(),
      name: input.name,
      purpose: input.purpose,
      phone: input.phone ?? null,
      email: input.email ?? null,
      hours: input.hours ?? null,
      external: input.external ?? false,
      active: true,
      created_at: at,
      updated_at: at,
    };
    return tx(this.ctx, async (trx) => {
      if (await trx.selectFrom('departments').select('id').where('name', '=', row.name).executeTakeFirst()) {
        throw new AppError('department.name_taken', row.name);
      }
      await trx.insertInto('departments').values(row).execute();
      const presented = presentDepartment(row);
      await audit(trx, {
        at,
        actor,
        entityType: 'department',
        entityId: row.id,
        action: 'department.created',
        after: presented,
      });
      return presented;
    });
  }

  async updateDepartment(actor: Actor, id: string, input: Static<typeof DepartmentPatch>) {
    return tx(this.ctx, async (trx) => {
      const before = await this.getDepartment(id, trx);
      const at = nowIso(this.ctx);
      const next = {
        ...before,
        name: input.name ?? before.name,
        purpose: input.purpose ?? before.purpose,
        phone: input.phone !== undefined ? input.phone : before.phone,
        email: input.email !== undefined ? input.email : before.email,
        hours: input.hours !== undefined ? input.hours : before.hours,
        external: input.external ?? Boolean(before.external),
        active: input.active ?? Boolean(before.active),
        updated_at: at,
      };
      try {
        await trx.updateTable('departments').set(next).where('id', '=', id).execute();
      } catch (e) {
        if (isUnique(e)) throw new AppError('department.name_taken', next.name);
        throw e;
      }
      const d = diff(presentDepartment(before), presentDepartment(next));
      await audit(trx, {
        at,
        actor,
        entityType: 'department',
        entityId: id,
        action: 'department.updated',
        ...d,
      });
      return presentDepartment(next);
    });
  }
}
