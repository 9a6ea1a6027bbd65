import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Role } from '../shared/contracts/people.ts';
import { ROLES } from '../shared/contracts/people.ts';
import { buildApp, buildServices } from './app.ts';
import { SmtpReceiver } from './channels/email/smtp-receiver.ts';
import { passwordProblem } from './modules/people/password-policy.ts';
import { SYSTEM_ACTOR } from './platform/audit.ts';
import { openContext } from './platform/boot.ts';
import { loadConfig } from './platform/config.ts';
import { classifyDbError } from './platform/db/errors.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { demoPasswordFile, isEmpty, seedDemo } from './seed/demo.ts';

const HELP = `frontline — contact-centre platform

Usage:
  frontline serve                      migrate, seed demo data on an empty database (unless FRONTLINE_DEMO=0), listen
  frontline migrate                    bring the database schema up to date
  frontline seed                       load the demo centre into an empty database
  frontline user add --username U --name "Full Name" --role ROLE [--password P]
  frontline token create --user U --name NAME [--days N]
  frontline kb import DIR [--publish]  import every .md file (YAML front matter) in DIR; prints the report
  frontline kb export DIR              write every article that is not archived to DIR as .md files

Environment: PORT (3000), FRONTLINE_DATA_DIR (./data), DATABASE_URL (PostgreSQL), FRONTLINE_DEMO (1).
Roles: ${ROLES.join(', ')}`;

async function main(argv: string[]): Promise<number> {
  // Everything this process creates — the data directory, the database and its WAL, mail files,
  // exports — is readable by the owner only: it holds personal data.
  process.umask(0o077);
  const [cmd, sub] = argv;
  const config = loadConfig();
  if (!cmd || cmd === 'help' || cmd === '--help') {
    console.log(HELP);
    return 0;
  }
  if (cmd === 'migrate') {
    const ctx = await openContext(config);
    const ran = await migrateToLatest(ctx.store);
    console.log(ran.length ? `Already migrated, plus: ${ran.join(', ')}` : 'Schema is up to date.');
    await ctx.store.close();
    return 0;
  }
  if (cmd === 'seed') {
    const ctx = await openContext(config);
    if (!(await isEmpty(ctx))) {
      console.error('The database already holds users; the demo seeds only an empty database.');
      await ctx.store.close();
      return 1;
    }
    const r = await seedDemo(ctx);
    console.log(
      `Seeded the demo centre: ${r.customers} customers, ${r.cases} cases. Demo password: ${r.password}`,
    );
    await ctx.store.close();
    return 0;
  }
  if (cmd === 'user' && sub === 'add') {
    const { values } = parseArgs({
      args: argv.slice(2),
      options: {
        username: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        password: { type: 'string' },
      },
    });
    if (!values.username || !values.name || !values.role || !ROLES.includes(values.role as Role)) {
      console.error(`user add needs --username, --name and --role (${ROLES.join(', ')})`);
      return 2;
    }
    const password = values.password ?? (await import('node:crypto')).randomBytes(12).toString('base64url');
    // The same rule as the API (length, common and context-specific passwords), before touching the database.
    const weak = passwordProblem(password, { username: values.username, displayName: values.name });
    if (weak) {
      console.error(`user add: the password ${weak}`);
      return 2;
    }
    const ctx = await openContext(config);
    const s = buildServices(ctx);
    const u = await s.people.createUser(SYSTEM_ACTOR, {
      username: values.username,
      displayName: values.name,
      role: values.role as Role,
      password,
    });
    console.log(
      `Created ${u.role} ${u.username} (${u.id})${values.password ? '' : ` with password ${password}`}`,
    );
    await ctx.store.close();
    return 0;
  }
  if (cmd === 'token' && sub === 'create') {
    const { values } = parseArgs({
      args: argv.slice(2),
      options: { user: { type: 'string' }, name: { type: 'string' }, days: { type: 'string' } },
    });
    if (!values.user || !values.name) {
      console.error('token create needs --user USERNAME and --name NAME');
      return 2;
    }
    const ctx = await openContext(config);
    const user = await ctx.store.db
      .selectFrom('users')
      .select(['id', 'role'])
      .where('username', '=', values.user)
      .executeTakeFirst();
    if (!user) {
      console.error(`No user ${values.user}`);
      await ctx.store.close();
      return 1;
    }
    const s = buildServices(ctx);
    const { token } = await s.auth.createToken(SYSTEM_ACTOR, {
      name: values.name,
      userId: user.id,
      expiresInDays: values.days ? Number(values.days) : undefined,
    });
    console.log(token);
    await ctx.store.close();
    return 0;
  }
  if (cmd === 'kb' && (sub === 'import' || sub === 'export')) {
    const { values, positionals } = parseArgs({
      args: argv.slice(2),
      options: { publish: { type: 'boolean' } },
      allowPositionals: true,
    });
    const dir = positionals[0];
    if (!dir || positionals.length > 1) {
      console.error(`kb ${sub} needs one directory`);
      return 2;
    }
    const ctx = await openContext(config);
    const s = buildServices(ctx);
    try {
      if (sub === 'export') {
        const { files } = await s.kbTransfer.export();
        fs.mkdirSync(dir, { recursive: true });
        for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.content);
        console.log(`Exported ${files.length} articles to ${dir}`);
        return 0;
      }
      if (!fs.existsSync(dir)) {
        console.error(`No directory ${dir}`);
        return 1;
      }
      const files = fs
        .readdirSync(dir)
        .filter((n) => fs.statSync(path.join(dir, n)).isFile())
        .sort()
        .map((name) => ({ name, content: fs.readFileSync(path.join(dir, name), 'utf8') }));
      const r = await s.kbTransfer.import(SYSTEM_ACTOR, { files, publish: values.publish ?? false });
      for (const k of r.skipped) console.log(`skipped ${k.name}: ${k.reason}`);
      console.log(
        `Imported ${r.created.length} new, ${r.updated.length} updated, ${r.skipped.length} skipped.`,
      );
      return r.skipped.length ? 1 : 0;
    } finally {
      await ctx.store.close();
    }
  }
  if (cmd === 'serve') {
    const ctx = await openContext(config);
    if (config.demo && (await isEmpty(ctx))) {
      console.log('Empty database: seeding the demo centre…');
      const r = await seedDemo(ctx);
      console.log(`  ${r.customers} customers, ${r.cases} cases.`);
    }
    const { app, services } = await buildApp(ctx);
    await app.listen({ port: config.port, host: config.host });
    // The scheduler: SLA breaches, escalation rules, unacknowledged urgent cases, reminders, e-mail.
    if (config.scheduler)
      services.background.start(config.tickMs, (err) => app.log.error({ err }, 'scheduler tick failed'));
    // Mail for the centre's SMTP mailboxes, when a port is configured (issue 13).
    const smtp =
      config.smtpIn.port !== undefined
        ? new SmtpReceiver(ctx, services.inbound, {
            onError: (err) => app.log.error({ err }, 'SMTP receiver'),
          })
        : null;
    if (smtp) {
      const port = await smtp.listen(config.smtpIn.port!, config.smtpIn.host);
      console.log(`SMTP receiver on ${config.smtpIn.host}:${port}`);
    }
    // The bound port, not the configured one: PORT=0 asks the system for a free port.
    const bound = app.server.address();
    const url = `http://localhost:${typeof bound === 'object' && bound ? bound.port : config.port}`;
    console.log(
      `\nFrontline is running at ${url}  (API docs: ${url}/api/v1/docs, database: ${ctx.store.dialect})`,
    );
    const pwFile = demoPasswordFile(config);
    if (config.demo && fs.existsSync(pwFile)) {
      const pw = fs.readFileSync(pwFile, 'utf8').trim();
      console.log(
        `Demo users (password "${pw}"): olivia (officer), tom (trainee), lena (team leader), bella (team leader in the Billing department), sam (supervisor), tara (trainer), admin (administrator)`,
      );
    }
    const stop = async () => {
      await smtp?.close();
      await app.close();
      await ctx.store.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1;
  }
  console.error(`Unknown command: ${argv.join(' ')}\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    // A database that cannot be reached or written gets one line an operator can act on.
    const unavailable = classifyDbError(err);
    if (unavailable) console.error(`Frontline cannot use its database. ${unavailable.detail}`);
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
