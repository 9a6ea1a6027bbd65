import path from 'node:path';

/** Runtime configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** When set, PostgreSQL is used instead of the embedded SQLite file. */
  databaseUrl: string | undefined;
  demo: boolean;
  /** Country calling code assumed for numbers typed without one (e.g. 65 for Singapore). */
  phoneCountryCode: string;
  /** Cookies carry `Secure` unless explicitly turned off for plain-HTTP development. */
  secureCookies: boolean;
  sessionTtlHours: number;
  bodyLimitBytes: number;
  logLevel: string;
  login: { maxFailures: number; lockMinutes: number; perIpPerMinute: number };
  /** smtp(s)://user:pass@host:port; unset: e-mail is written to <data dir>/mail/ instead. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** How often the scheduler fires due timers (SLA breaches, escalations, reminders). */
  tickMs: number;
  /** FRONTLINE_SCHEDULER=0 runs an app process without the scheduler (e.g. web-only nodes). */
  scheduler: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
    return n;
  };
  return {
    port: int('PORT', 3000),
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.FRONTLINE_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    demo: env.FRONTLINE_DEMO !== '0',
    phoneCountryCode: (env.FRONTLINE_PHONE_COUNTRY_CODE ?? '65').replace(/\D/g, ''),
    // Plain http://localhost is the default dev setup; browsers drop Secure cookies there only
    // on non-localhost origins, so Secure is safe to default on.
    secureCookies: env.FRONTLINE_INSECURE_COOKIES !== '1',
    sessionTtlHours: int('FRONTLINE_SESSION_TTL_HOURS', 12),
    bodyLimitBytes: int('FRONTLINE_BODY_LIMIT', 256 * 1024),
    logLevel: env.LOG_LEVEL ?? 'info',
    login: {
      maxFailures: int('FRONTLINE_LOGIN_MAX_FAILURES', 5),
      lockMinutes: int('FRONTLINE_LOGIN_LOCK_MINUTES', 15),
      perIpPerMinute: int('FRONTLINE_LOGIN_PER_IP_PER_MINUTE', 20),
    },
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'Frontline <frontline@localhost>',
    tickMs: int('FRONTLINE_TICK_MS', 2000),
    scheduler: env.FRONTLINE_SCHEDULER !== '0',
  };
}
