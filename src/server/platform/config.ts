import path from 'node:path';
import { callingCode, isRegion, type Region } from '../../shared/phone.ts';

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
  /**
   * FRONTLINE_DEFAULT_REGION (ISO country, default SG): the country a phone number written without
   * its country code belongs to — for customer search keys and E.164 numbers for SMS.
   */
  defaultRegion: Region;
  /**
   * FRONTLINE_PUBLIC_URL: the address providers reach this server at (https://desk.example.com),
   * for the delivery-report URL given with each text and for checking webhook signatures behind a
   * proxy. Unset: the request's own Host, and texts are sent without delivery reports.
   */
  publicUrl: string | undefined;
  /** Cookies carry `Secure` unless explicitly turned off for plain-HTTP development. */
  secureCookies: boolean;
  sessionTtlHours: number;
  bodyLimitBytes: number;
  logLevel: string;
  login: { maxFailures: number; lockMinutes: number; perIpPerMinute: number };
  /** smtp(s)://user:pass@host:port; unset: e-mail is written to <data dir>/mail/ instead. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /**
   * Mail the centre receives itself (issue 13): FRONTLINE_SMTP_PORT starts an SMTP receiver on
   * FRONTLINE_SMTP_HOST (default 127.0.0.1 — put a real MTA or a proxy in front for the internet).
   * It accepts mail only for the addresses of active mailboxes.
   */
  smtpIn: { port: number | undefined; host: string };
  /**
   * FRONTLINE_SECRET_KEY: 32 bytes (base64 or hex) that encrypt mailbox passwords at rest. Unset,
   * a key is made once and kept in <data dir>/secret.key (readable by the owner only).
   */
  secretKey: string | undefined;
  /** FRONTLINE_PARSE_WORKER=0 parses inbound mail on the event loop instead of a worker thread. */
  parseWorker: boolean;
  /**
   * FRONTLINE_WEBHOOKS_ALLOW_PRIVATE=1 lets webhooks go to loopback, private and link-local addresses
   * (a receiver on the same machine or network, and the tests). Off, such URLs are refused (SSRF).
   */
  webhooksAllowPrivate: boolean;
  /** How often the scheduler fires due timers (SLA breaches, escalations, reminders). */
  tickMs: number;
  /**
   * FRONTLINE_PRESENCE_GRACE_SECONDS (default 120): how long a person's last desktop connection may
   * be gone before presence sets them offline — long enough that a reload or a short network drop
   * changes nothing.
   */
  presenceGraceSeconds: number;
  /** FRONTLINE_SCHEDULER=0 runs an app process without the scheduler (e.g. web-only nodes). */
  scheduler: boolean;
  /** Database timeouts: an unreachable or stuck database answers 503 within these, never hangs. */
  db: DbTimeouts;
}

export interface DbTimeouts {
  /** Opening a PostgreSQL connection, or waiting for a free one in the pool. */
  connectTimeoutMs: number;
  /** PostgreSQL's statement_timeout: the server cancels a statement running longer. */
  statementTimeoutMs: number;
  /** The client gives up on an answer after this (a partition sends no cancel); above the statement timeout. */
  queryTimeoutMs: number;
  /** An idle pooled connection is closed after this. */
  idleTimeoutMs: number;
  /** `/health` answers 503 when the database probe takes longer. */
  healthTimeoutMs: number;
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
    phoneCountryCode: callingCode(defaultRegion(env)),
    defaultRegion: defaultRegion(env),
    publicUrl: env.FRONTLINE_PUBLIC_URL?.replace(/\/+$/, '') || undefined,
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
    smtpIn: {
      port: env.FRONTLINE_SMTP_PORT ? int('FRONTLINE_SMTP_PORT', 0) : undefined,
      host: env.FRONTLINE_SMTP_HOST ?? '127.0.0.1',
    },
    secretKey: env.FRONTLINE_SECRET_KEY || undefined,
    parseWorker: env.FRONTLINE_PARSE_WORKER !== '0',
    webhooksAllowPrivate: env.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE === '1',
    tickMs: int('FRONTLINE_TICK_MS', 2000),
    presenceGraceSeconds: int('FRONTLINE_PRESENCE_GRACE_SECONDS', 120),
    scheduler: env.FRONTLINE_SCHEDULER !== '0',
    db: dbTimeouts(int),
  };
}

function dbTimeouts(int: (name: string, fallback: number) => number): DbTimeouts {
  const statementTimeoutMs = int('FRONTLINE_DB_STATEMENT_TIMEOUT_MS', 15_000);
  return {
    connectTimeoutMs: int('FRONTLINE_DB_CONNECT_TIMEOUT_MS', 3_000),
    statementTimeoutMs,
    // The server's own cancel comes first; the client's limit only catches a silent network.
    queryTimeoutMs: int('FRONTLINE_DB_QUERY_TIMEOUT_MS', statementTimeoutMs + 2_000),
    idleTimeoutMs: int('FRONTLINE_DB_IDLE_TIMEOUT_MS', 30_000),
    healthTimeoutMs: int('FRONTLINE_HEALTH_TIMEOUT_MS', 2_000),
  };
}

/** The region numbers without a country code belong to; a wrong value stops the start, not a search later. */
function defaultRegion(env: NodeJS.ProcessEnv): Region {
  const raw = (env.FRONTLINE_DEFAULT_REGION ?? 'SG').trim().toUpperCase();
  if (!isRegion(raw))
    throw new Error(`FRONTLINE_DEFAULT_REGION must be an ISO country code such as SG, got "${raw}"`);
  return raw;
}
