import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  chownSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ImapFlow } from 'imapflow';

/**
 * A private Dovecot IMAP server for one test file (issue 13: IMAP ingest with IDLE and
 * move-after-store is tested against the real thing). Each instance has its own config, temp
 * dir, free port and maildirs; plaintext login on 127.0.0.1 only. Debian's `dovecot-imapd`
 * (`.ci/run` installs it).
 */

export interface StoredMessage {
  uid: number;
  /** From the envelope, angle brackets included; null when the message has none. */
  messageId: string | null;
  flags: string[];
  /** Exactly what the server serves for BODY[] (Dovecot hands out CRLF line endings). */
  raw: Buffer;
}

export interface Dovecot {
  host: string;
  port: number;
  /** Login name → password. */
  users: Record<string, string>;
  /** The master process (it runs in the foreground, so this is the child's pid). */
  pid: number;
  /** The temp dir with the config, log, runtime sockets and maildirs; removed by stop(). */
  dir: string;
  /** Connection options for an imapflow client logged in as `user`. */
  clientOptions(user: string): ConstructorParameters<typeof ImapFlow>[0];
  /**
   * Delivers a message by IMAP APPEND (a real session, so Dovecot notifies every client
   * IDLE-ing on that folder with EXISTS). Returns the UID Dovecot gave it.
   */
  addMessage(user: string, folder: string, raw: Buffer | string, flags?: string[]): Promise<{ uid: number }>;
  /** Every message in a folder, in UID order, read through a fresh session. */
  listFolder(user: string, folder: string): Promise<StoredMessage[]>;
  /** Creates a folder; a folder that already exists is fine. */
  createFolder(user: string, name: string): Promise<void>;
  /** The server's log so far (for a failing test's message). */
  log(): string;
  /** Stops the server (all its processes) and removes its temp dir. */
  stop(): Promise<void>;
}

export interface StartDovecotOptions {
  /** Login name → password; default one user, `support`. */
  users?: Record<string, string>;
  /** The dovecot binary; default: found on PATH or in /usr/sbin. */
  binary?: string;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const IMAP_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;

/** The dovecot binary, or null. /usr/sbin is searched too: it is not on a non-root user's PATH on Debian. */
export function findDovecot(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = join(dir, 'dovecot');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return null;
}

/** `dovecot --version`, e.g. "2.3.19.1 (9b53102964)". */
export function dovecotVersion(binary = findDovecot()): string | null {
  if (!binary) return null;
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 5000 }).trim();
  } catch {
    return null;
  }
}

/**
 * Starts a private Dovecot. Without Dovecot installed: null (the test skips, loudly), or with
 * CI set a throw — a missing server must fail CI, not skip the IMAP tests silently.
 */
export async function startDovecot(opts: StartDovecotOptions = {}): Promise<Dovecot | null> {
  const binary = opts.binary ?? findDovecot();
  if (!binary || !existsSync(binary)) {
    const msg =
      '\n!!! Dovecot is not installed (apt-get install dovecot-imapd): IMAP tests are NOT running !!!\n';
    if (process.env.CI) throw new Error(msg);
    console.warn(msg);
    return null;
  }
  const users = opts.users ?? { support: 'support-secret' };
  for (const [user, pass] of Object.entries(users)) {
    // The name becomes a directory (%u) and a passwd-file field; the password a passwd-file field.
    if (!/^[A-Za-z0-9._@+-]+$/.test(user) || user.startsWith('.'))
      throw new Error(`unusable IMAP user name: ${user}`);
    if (/[:\r\n]/.test(pass) || pass === '') throw new Error(`unusable password for ${user}`);
  }

  // Unix socket paths are limited to 108 bytes and Dovecot's live under base_dir: keep the root short.
  const root = tmpdir().length > 40 ? '/tmp' : tmpdir();
  const dir = mkdtempSync(join(root, 'frontline-dovecot-'));
  try {
    const conf = writeConfigFiles(dir, users);
    let lastError = '';
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const port = await freePort();
      writeFileSync(conf.file, conf.text(port));
      // A retry's error must be its own, not the failed attempt's.
      for (const log of ['stderr.log', 'dovecot.log']) rmSync(join(dir, log), { force: true });
      const started = await launch(binary, dir, conf.file, port, conf.greeting);
      if (started.ok) return handle(dir, port, users, started.child, started.guard);
      lastError = started.error;
      // Another process took the port between our probe and Dovecot's bind: try another one.
      if (!/Address already in use/i.test(started.error)) break;
    }
    throw new Error(`Dovecot did not start:\n${lastError}`);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

interface ConfigFiles {
  file: string;
  greeting: string;
  text(port: number): string;
}

function writeConfigFiles(dir: string, users: Record<string, string>): ConfigFiles {
  const asRoot = process.getuid?.() === 0;
  // As root, Dovecot refuses to run mail processes as uid 0, so mail belongs to nobody (its own
  // dovecot/dovenull users come with the package). Not as root, everything runs as us.
  const uid = asRoot ? 65534 : (process.getuid?.() ?? 65534);
  const gid = asRoot ? 65534 : (process.getgid?.() ?? 65534);
  // The mail processes (another uid) must reach their maildirs and the runtime sockets.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'mail'));
  for (const user of Object.keys(users)) {
    mkdirSync(join(dir, 'mail', user));
    if (asRoot) chownSync(join(dir, 'mail', user), uid, gid);
  }
  const passwd = join(dir, 'passwd');
  writeFileSync(
    passwd,
    Object.entries(users)
      .map(([u, p]) => `${u}:{PLAIN}${p}\n`)
      .join(''),
    { mode: 0o644 },
  );
  // A token in the greeting tells our server apart from whatever else may answer on the port.
  const greeting = `frontline-test-${randomBytes(6).toString('hex')}`;
  const self = asRoot ? null : { user: idName('-un'), group: idName('-gn') };
  return {
    file: join(dir, 'dovecot.conf'),
    greeting,
    text: (port) =>
      [
        'protocols = imap',
        `listen = ${HOST}`,
        `base_dir = ${dir}/run`,
        `state_dir = ${dir}/state`,
        `log_path = ${dir}/dovecot.log`,
        `login_greeting = ${greeting}`,
        'ssl = no',
        // Plaintext login is safe here: the only listener is 127.0.0.1.
        'disable_plaintext_auth = no',
        'auth_mechanisms = plain login',
        // A wrong-password test must not slow the next logins: no 2 s failure delay, and no
        // per-IP penalty (without the anvil socket the auth process skips it).
        'auth_failure_delay = 0',
        'first_valid_uid = 1',
        `mail_uid = ${uid}`,
        `mail_gid = ${gid}`,
        'mail_location = maildir:~/Maildir',
        // A throw-away server: no fsync (the shared machine's disk is everyone's).
        'mail_fsync = never',
        // IDLE is woken by inotify; if the machine runs out of inotify instances Dovecot falls
        // back to polling, every 30 s by default — too slow for a test waiting for EXISTS.
        'mailbox_idle_check_interval = 1 secs',
        // The default 10 sessions per user and IP is too few for a test ingesting in parallel.
        'mail_max_userip_connections = 200',
        ...(self
          ? [
              `default_internal_user = ${self.user}`,
              `default_internal_group = ${self.group}`,
              `default_login_user = ${self.user}`,
            ]
          : []),
        'passdb {',
        '  driver = passwd-file',
        `  args = scheme=PLAIN username_format=%u ${passwd}`,
        '}',
        'userdb {',
        '  driver = static',
        `  args = uid=${uid} gid=${gid} home=${dir}/mail/%u`,
        '}',
        'service imap-login {',
        ...(self ? ['  chroot ='] : []),
        `  inet_listener imap {\n    port = ${port}\n  }`,
        // ssl = no already keeps the default imaps listener (993) closed; port 0 keeps it closed if
        // ssl is ever turned on, where two instances would clash on it.
        '  inet_listener imaps {\n    port = 0\n  }',
        '}',
        'service anvil {',
        ...(self ? ['  chroot ='] : []),
        '  unix_listener anvil-auth-penalty {\n    mode = 0\n  }',
        '}',
        '',
      ].join('\n'),
  };
}

function idName(flag: string): string {
  return execFileSync('id', [flag], { encoding: 'utf8', timeout: 5000 }).trim();
}

/** A port free right now on 127.0.0.1 (the kernel picks it; launch() retries if it is taken again). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

type Launched = { ok: true; child: ChildProcess; guard: ChildProcess } | { ok: false; error: string };

async function launch(
  binary: string,
  dir: string,
  confFile: string,
  port: number,
  greeting: string,
): Promise<Launched> {
  const stderrFile = join(dir, 'stderr.log');
  const out = openSync(stderrFile, 'a');
  // -F: the master stays in the foreground as our child, so we know its pid and see it exit.
  const child = spawn(binary, ['-F', '-c', confFile], { stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  let exited = false;
  let spawnError = '';
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', (err) => {
    spawnError = `${binary}: ${err.message}\n`;
    exited = true;
  });
  const readLogs = () =>
    spawnError + [readIfExists(stderrFile), readIfExists(join(dir, 'dovecot.log'))].join('\n').trim();
  if (child.pid === undefined) {
    await new Promise((r) => setTimeout(r, 50));
    return { ok: false, error: readLogs() };
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) return { ok: false, error: readLogs() };
    if (await greets(port, greeting)) {
      return { ok: true, child, guard: spawnGuard(child.pid, dir) };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  return {
    ok: false,
    error: `no IMAP greeting on port ${port} within ${START_TIMEOUT_MS} ms\n${readLogs()}`,
  };
}

/**
 * A watchdog shell that outlives us: when our process dies by any means (even kill -9), its
 * stdin pipe closes and it stops Dovecot and removes the temp dir. stop() tells it to just exit.
 */
function spawnGuard(pid: number, dir: string): ChildProcess {
  const script = [
    "trap '' INT TERM HUP",
    'if read -r _; then exit 0; fi',
    'kill -TERM "$0" 2>/dev/null',
    'i=0; while kill -0 "$0" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done',
    'kill -KILL "$0" 2>/dev/null',
    'rm -rf "$1"',
  ].join('\n');
  const guard = spawn('sh', ['-c', script, String(pid), dir], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  guard.on('error', () => {}); // no sh: stop() and the exit hook still work, only kill -9 leaks
  guard.unref();
  (guard.stdin as unknown as Socket | null)?.unref?.();
  return guard;
}

/** Connects and reads the greeting line: true if it is our server's. */
function greets(port: number, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    let data = '';
    const socket = connect({ host: HOST, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n')) done(data.startsWith('* OK') && data.includes(token));
    });
    socket.on('end', () => done(false));
  });
}

function readIfExists(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Instances still running, stopped (synchronously, so the best we can) when the process exits. */
const running = new Set<{ pid: number; dir: string }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const inst of running) {
      try {
        process.kill(inst.pid, 'SIGTERM');
      } catch {}
      // The guard removes the dir once Dovecot is gone (its stdin closes as we exit).
    }
  });
}

async function waitFor(p: Promise<void>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), ms);
  });
  try {
    return await Promise.race([p.then(() => 'done' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `fn` on a fresh session, logged out afterwards; the whole thing bounded by a timeout. */
async function withClient<T>(
  options: ConstructorParameters<typeof ImapFlow>[0],
  what: string,
  fn: (c: ImapFlow) => Promise<T>,
): Promise<T> {
  const client = new ImapFlow(options);
  client.on('error', () => {}); // a socket error also rejects the pending command; don't crash on the event
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      client.close();
      reject(new Error(`Dovecot ${what}: no answer within ${IMAP_TIMEOUT_MS} ms`));
    }, IMAP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      (async () => {
        await client.connect();
        try {
          return await fn(client);
        } finally {
          await client.logout().catch(() => client.close());
        }
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function handle(
  dir: string,
  port: number,
  users: Record<string, string>,
  child: ChildProcess,
  guard: ChildProcess,
): Dovecot {
  const pid = child.pid as number;
  const entry = { pid, dir };
  running.add(entry);
  installExitHook();
  let exited = child.exitCode !== null || child.signalCode !== null;
  const exitedPromise = new Promise<void>((resolve) => {
    if (exited) resolve();
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });

  const clientOptions = (user: string): ConstructorParameters<typeof ImapFlow>[0] => {
    const pass = users[user];
    if (pass === undefined) throw new Error(`no such IMAP user on this Dovecot: ${user}`);
    return {
      host: HOST,
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: IMAP_TIMEOUT_MS,
      greetingTimeout: IMAP_TIMEOUT_MS,
      socketTimeout: 60_000,
    };
  };

  let stopping: Promise<void> | undefined;
  return {
    host: HOST,
    port,
    users: { ...users },
    pid,
    dir,
    clientOptions,
    log: () => readIfExists(join(dir, 'dovecot.log')),

    // A session per call: a few ms each, and nothing stale (no selected mailbox, no cached view).
    addMessage: (user, folder, raw, flags = []) =>
      withClient(clientOptions(user), `APPEND to ${folder}`, async (c) => {
        const res = await c.append(folder, typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw, flags);
        if (!res || res.uid === undefined) throw new Error(`Dovecot APPEND to ${folder} gave no UID`);
        return { uid: res.uid };
      }),

    listFolder: (user, folder) =>
      withClient(clientOptions(user), `listing ${folder}`, async (c) => {
        const box = await c.mailboxOpen(folder, { readOnly: true });
        if (box.exists === 0) return [];
        const messages = await c.fetchAll('1:*', { uid: true, flags: true, envelope: true, source: true });
        return messages
          .map((m) => ({
            uid: m.uid,
            messageId: m.envelope?.messageId ?? null,
            flags: [...(m.flags ?? [])].sort(),
            raw: m.source ?? Buffer.alloc(0),
          }))
          .sort((a, b) => a.uid - b.uid);
      }),

    createFolder: (user, name) =>
      withClient(clientOptions(user), `creating ${name}`, async (c) => {
        await c.mailboxCreate(name);
      }),

    stop: () => {
      stopping ??= (async () => {
        if (!exited) {
          child.kill('SIGTERM'); // the master stops its own processes, then exits
          // The timers are ref'd on purpose: they keep the process alive until the master is gone.
          if ((await waitFor(exitedPromise, STOP_TIMEOUT_MS)) === 'timeout') {
            child.kill('SIGKILL');
            await waitFor(exitedPromise, 2000);
          }
        }
        running.delete(entry);
        guard.stdin?.end('stop\n'); // the guard exits without touching anything
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
