import { Type } from 'typebox';
import { IdParams, Uuid } from '../../../shared/contracts/common.ts';
import {
  Department,
  DepartmentCreate,
  DepartmentPatch,
  LoginBody,
  PasswordReset,
  SessionProbe,
  SessionResponse,
  Team,
  TeamCreate,
  Token,
  TokenCreate,
  TokenCreated,
  User,
  UserCreate,
  UserPatch,
} from '../../../shared/contracts/people.ts';
import { Colleague } from '../../../shared/contracts/workspace.ts';
import type { Actor } from '../../platform/audit.ts';
import { type App, actorOf } from '../../platform/types.ts';
import { type AuthService, SESSION_COOKIE } from './auth.service.ts';
import { presentDepartment, presentTeam, presentToken, presentUser } from './people.present.ts';
import type { PeopleService } from './people.service.ts';

export function peopleRoutes(
  app: App,
  s: {
    auth: AuthService;
    people: PeopleService;
    secureCookies: boolean;
    /** Sign-out sets the person offline (presence, issue 14). */
    presence?: { signedOut(actor: Actor): Promise<void> };
  },
) {
  const tags = ['people'];

  app.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], body: LoginBody, response: { 200: SessionResponse } },
    },
    async (req, reply) => {
      const r = await s.auth.login(req.body.username, req.body.password, {
        ip: req.ip,
        userAgent: req.headers['user-agent'],
      });
      reply.setCookie(SESSION_COOKIE, r.sessionToken, {
        httpOnly: true,
        sameSite: 'lax',
        secure: s.secureCookies,
        path: '/',
        expires: new Date(r.expiresAt),
      });
      return { user: presentUser(r.user), csrfToken: r.csrfToken, expiresAt: r.expiresAt };
    },
  );

  app.get(
    '/auth/session',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'], response: { 200: SessionResponse } } },
    async (req) => {
      const token = req.cookies[SESSION_COOKIE];
      const sess = token ? await s.auth.session(token) : null;
      const user = sess?.user ?? (await s.people.getUser(actorOf(req).userId));
      return {
        user: presentUser(user),
        csrfToken: sess?.csrfToken ?? '',
        expiresAt: sess?.expiresAt ?? new Date(0).toISOString(),
      };
    },
  );

  // The desktop asks on load whether its cookie is still a session. Public, so that a signed-out
  // browser gets 200 `{ signedIn: false }` rather than a 401 it would log as a console error; the
  // session cookie only (API clients and every other caller keep GET /auth/session and its 401).
  app.get(
    '/auth/session/probe',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        security: [],
        description:
          "Whether the browser's session cookie is a live session: `{ signedIn: false }`, or `signedIn: true` with what GET /auth/session returns. Never 401.",
        response: { 200: SessionProbe },
      },
    },
    async (req) => {
      const token = req.cookies[SESSION_COOKIE];
      const sess = token ? await s.auth.session(token) : null;
      if (!sess) return { signedIn: false };
      return {
        signedIn: true,
        user: presentUser(sess.user),
        csrfToken: sess.csrfToken,
        expiresAt: sess.expiresAt,
      };
    },
  );

  app.post(
    '/auth/logout',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'] } },
    async (req, reply) => {
      await s.presence?.signedOut(actorOf(req));
      await s.auth.logout(req.cookies[SESSION_COOKIE]);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.post(
    '/tokens',
    {
      config: { access: 'tokens.manage' },
      schema: {
        tags: ['auth'],
        body: Type.Object(
          { ...TokenCreate.properties, userId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: { 201: TokenCreated },
      },
    },
    async (req, reply) => {
      const { row, token } = await s.auth.createToken(actorOf(req), req.body);
      reply.code(201);
      return {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        token,
      };
    },
  );
  app.get(
    '/tokens',
    {
      config: { access: 'tokens.manage' },
      schema: { tags: ['auth'], response: { 200: Type.Object({ items: Type.Array(Token) }) } },
    },
    async (req) => ({ items: (await s.auth.listTokens(actorOf(req))).map(presentToken) }),
  );
  app.delete(
    '/tokens/:id',
    { config: { access: 'tokens.manage' }, schema: { tags: ['auth'], params: IdParams } },
    async (req, reply) => {
      await s.auth.revokeToken(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/users',
    {
      config: { access: 'users.read' },
      schema: { tags, response: { 200: Type.Object({ items: Type.Array(User) }) } },
    },
    async () => ({ items: (await s.people.listUsers()).map(presentUser) }),
  );
  app.post(
    '/users',
    { config: { access: 'users.manage' }, schema: { tags, body: UserCreate, response: { 201: User } } },
    async (req, reply) => {
      reply.code(201);
      return s.people.createUser(actorOf(req), req.body);
    },
  );
  app.get(
    '/users/:id',
    { config: { access: 'users.read' }, schema: { tags, params: IdParams, response: { 200: User } } },
    async (req) => presentUser(await s.people.getUser(req.params.id)),
  );
  app.patch(
    '/users/:id',
    {
      config: { access: 'users.manage' },
      schema: { tags, params: IdParams, body: UserPatch, response: { 200: User } },
    },
    async (req) => s.people.updateUser(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/users/:id/unlock',
    {
      config: { access: 'users.manage' },
      schema: {
        tags,
        params: IdParams,
        description: 'Lift the sign-in lock that repeated failed passwords put on a user.',
        response: { 200: User },
      },
    },
    async (req) => s.people.unlockUser(actorOf(req), req.params.id),
  );
  app.post(
    '/users/:id/password',
    {
      config: { access: 'users.manage' },
      schema: {
        tags,
        params: IdParams,
        body: PasswordReset,
        description:
          "Set a new password for a user (12 to 256 characters, not a common password or one built from the user's names); ends all their sessions and lifts any sign-in lock.",
        response: { 200: User },
      },
    },
    async (req) => s.people.resetPassword(actorOf(req), req.params.id, req.body.password),
  );

  app.get(
    '/colleagues',
    {
      config: { access: 'teams.read' },
      schema: {
        tags,
        description:
          'Every colleague by name, role and team — to name the authors and owners of records and to assign work. No contact details.',
        response: { 200: Type.Object({ items: Type.Array(Colleague) }) },
      },
    },
    async () => ({
      items: (await s.people.listUsers()).map((u) => ({
        id: u.id,
        displayName: u.display_name,
        role: u.role,
        teamId: u.team_id,
        active: Boolean(u.active),
      })),
    }),
  );
  app.get(
    '/teams',
    {
      config: { access: 'teams.read' },
      schema: { tags, response: { 200: Type.Object({ items: Type.Array(Team) }) } },
    },
    async () => ({ items: (await s.people.listTeams()).map(presentTeam) }),
  );
  app.post(
    '/teams',
    { config: { access: 'teams.manage' }, schema: { tags, body: TeamCreate, response: { 201: Team } } },
    async (req, reply) => {
      reply.code(201);
      return presentTeam(await s.people.createTeam(actorOf(req), req.body));
    },
  );

  const dirTags = ['directory'];
  app.get(
    '/departments',
    {
      config: { access: 'directory.read' },
      schema: {
        tags: dirTags,
        description: 'The referral directory: departments and outside parties with their numbers and hours.',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 100 })),
            includeInactive: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Department) }) },
      },
    },
    async (req) => ({ items: (await s.people.listDepartments(req.query)).map(presentDepartment) }),
  );
  app.get(
    '/departments/:id',
    {
      config: { access: 'directory.read' },
      schema: { tags: dirTags, params: IdParams, response: { 200: Department } },
    },
    async (req) => presentDepartment(await s.people.getDepartment(req.params.id)),
  );
  app.post(
    '/departments',
    {
      config: { access: 'directory.manage' },
      schema: { tags: dirTags, body: DepartmentCreate, response: { 201: Department } },
    },
    async (req, reply) => {
      reply.code(201);
      return s.people.createDepartment(actorOf(req), req.body);
    },
  );
  app.patch(
    '/departments/:id',
    {
      config: { access: 'directory.manage' },
      schema: { tags: dirTags, params: IdParams, body: DepartmentPatch, response: { 200: Department } },
    },
    async (req) => s.people.updateDepartment(actorOf(req), req.params.id, req.body),
  );
}
