import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { type Dovecot, dovecotVersion, startDovecot } from './dovecot.ts';

// The harness itself: a real Dovecot that IMAP ingest (issue 13) is tested against.

const CRLF_MESSAGE = Buffer.from(
  [
    'From: =?UTF-8?Q?Zo=C3=AB?= <zoe@customer.example>',
    'To: support@frontline.test',
    'Subject: Meter reading — café',
    'Message-ID: <harness-1@customer.example>',
    'Date: Tue, 01 Dec 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Reading: 01234 — naïve façade ${'x'.repeat(300)}`,
    '--b1',
    'Content-Type: application/octet-stream; name="a.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64'),
    '--b1--',
    '',
  ].join('\r\n'),
  'utf8',
);

const message = (id: string, body = 'hello') =>
  `From: a@customer.example\r\nTo: support@frontline.test\r\nSubject: ${id}\r\nMessage-ID: <${id}@customer.example>\r\n\r\n${body}\r\n`;

let shared: Promise<Dovecot | null> | undefined;
const server = () => {
  shared ??= startDovecot({ users: { support: 'support-secret', sales: 'sales-secret' } });
  return shared;
};
after(async () => {
  await (await shared)?.stop();
});

/** Connected and logged in; the caller logs out. */
async function login(d: Dovecot, user = 'support'): Promise<ImapFlow> {
  const client = new ImapFlow(d.clientOptions(user));
  await client.connect();
  return client;
}

/** The master's pid and every process below it, from /proc. */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …" — comm may contain spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {} // gone meanwhile
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.setTimeout(2000, () => {
      s.destroy();
      resolve(false);
    });
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('login, APPEND, and the message comes back byte-exact (imapflow and listFolder)', async (t) => {
  const d = await server();
  if (!d) return t.skip('dovecot not installed');
  const client = await login(d);
  try {
    assert.ok(
      client.capabilities.has('IDLE') &&
        client.capabilities.has('MOVE') &&
        client.capabilities.has('UIDPLUS'),
    );
    const res = await client.append('INBOX', CRLF_MESSAGE, ['\\Seen']);
    assert.ok(res && typeof res.uid === 'number');
    await client.mailboxOpen('INBOX');
    const fetched = await client.fetchOne(String(res.uid), { source: true }, { uid: true });
    assert.ok(fetched !== false, 'the appended UID is there');
    assert.ok(fetched.source?.equals(CRLF_MESSAGE), 'BODY[] is the appended bytes');
  } finally {
    await client.logout();
  }
  const listed = (await d.listFolder('support', 'INBOX')).find(
    (m) => m.messageId === '<harness-1@customer.example>',
  );
  assert.ok(listed);
  assert.ok(listed.raw.equals(CRLF_MESSAGE));
  assert.deepEqual(listed.flags, ['\\Seen']);
  // Users are separate mailboxes.
  assert.deepEqual(await d.listFolder('sales', 'INBOX'), []);
});

test('a wrong password is refused, and does not slow down the logins after it', async (t) => {
  const d = await server();
  if (!d) return t.skip('dovecot not installed');
  for (let i = 0; i < 2; i++) {
    const bad = new ImapFlow({ ...d.clientOptions('support'), auth: { user: 'support', pass: 'wrong' } });
    bad.on('error', () => {});
    await assert.rejects(bad.connect());
    bad.close();
  }
  // Dovecot's default per-IP penalty would hold this login for 2-15 s.
  const t0 = Date.now();
  const client = await login(d);
  const ms = Date.now() - t0;
  await client.logout();
  assert.ok(ms < 1500, `login after failures took ${ms} ms`);
});

test('a message with bare LF line endings is served back with CRLF (Dovecot normalises; corpus tests compare accordingly)', async (t) => {
  const d = await server();
  if (!d) return t.skip('dovecot not installed');
  const lf =
    'From: a@customer.example\nSubject: lf\nMessage-ID: <lf-1@customer.example>\n\nline one\nline two\n';
  const { uid } = await d.addMessage('sales', 'INBOX', lf);
  const got = (await d.listFolder('sales', 'INBOX')).find((m) => m.uid === uid);
  assert.ok(got);
  assert.equal(got.raw.toString('utf8'), lf.replaceAll('\n', '\r\n'));
});

test('a client IDLE-ing on INBOX gets EXISTS within 5 s of addMessage', async (t) => {
  const d = await server();
  if (!d) return t.skip('dovecot not installed');
  const client = await login(d);
  try {
    const box = await client.mailboxOpen('INBOX');
    const before = box.exists;
    let seen: { count: number; idling: boolean; at: number } | undefined;
    client.on('exists', (e: { count: number }) => {
      seen ??= { count: e.count, idling: client.idling, at: Date.now() };
    });
    const idle = client.idle();
    await until('IDLE accepted', () => client.idling, 5000);
    const sentAt = Date.now();
    const { uid } = await d.addMessage('support', 'INBOX', message('idle-1'));
    const appendMs = Date.now() - sentAt;
    await until('EXISTS while IDLE-ing', () => seen !== undefined, 5000);
    assert.ok(seen);
    // Pushed during IDLE, not picked up by a later command: imapflow was still idling.
    assert.equal(seen.idling, true);
    assert.equal(seen.count, before + 1);
    // Dovecot groups changes for ~0.5 s before notifying, so ~400-500 ms is normal.
    t.diagnostic(
      `EXISTS ${seen.at - sentAt} ms after addMessage began (which took ${appendMs} ms; uid ${uid})`,
    );
    await client.noop(); // ends IDLE
    await idle;
  } finally {
    await client.logout();
  }
});

test('MOVE a stored message to "Processed": it leaves INBOX and keeps its bytes', async (t) => {
  const d = await server();
  if (!d) return t.skip('dovecot not installed');
  await d.createFolder('support', 'Processed');
  await d.createFolder('support', 'Processed'); // twice is fine
  const raw = message('move-1', 'to be moved');
  const { uid } = await d.addMessage('support', 'INBOX', raw);
  const client = await login(d);
  try {
    await client.mailboxOpen('INBOX');
    const moved = await client.messageMove(String(uid), 'Processed', { uid: true });
    assert.ok(moved && moved.uidMap?.has(uid) === true, 'MOVE reports the new UID');
  } finally {
    await client.logout();
  }
  const inbox = await d.listFolder('support', 'INBOX');
  assert.equal(
    inbox.some((m) => m.messageId === '<move-1@customer.example>'),
    false,
  );
  const processed = await d.listFolder('support', 'Processed');
  const m = processed.find((x) => x.messageId === '<move-1@customer.example>');
  assert.ok(m);
  assert.equal(m.raw.toString('utf8'), raw);
});

test('two instances side by side: different ports, separate mailboxes, both stop cleanly', async (t) => {
  const t0 = Date.now();
  const a = await startDovecot();
  if (!a) return t.skip('dovecot not installed');
  const startMs = Date.now() - t0;
  let b: Dovecot | null = null;
  try {
    b = await startDovecot();
    assert.ok(b);
    assert.notEqual(a.port, b.port);
    assert.notEqual(a.dir, b.dir);
    await a.addMessage('support', 'INBOX', message('only-on-a'));
    assert.equal((await a.listFolder('support', 'INBOX')).length, 1);
    assert.equal((await b.listFolder('support', 'INBOX')).length, 0);
    t.diagnostic(`Dovecot ${dovecotVersion()}: start-up ${startMs} ms (ports ${a.port}, ${b.port})`);
  } finally {
    await Promise.all([a.stop(), b?.stop()]);
  }
  assert.ok(await refused(a.port));
  if (b) assert.ok(await refused(b.port));
});

test('stop() leaves nothing running: the master and all its processes are gone, the temp dir removed', async (t) => {
  const d = await startDovecot();
  if (!d) return t.skip('dovecot not installed');
  // Some session processes to leave behind, one of them IDLE-ing.
  const client = await login(d);
  await client.mailboxOpen('INBOX');
  client.on('error', () => {}); // the server going away mid-IDLE is the point
  client.on('close', () => {});
  void client.idle().catch(() => {});
  await until('IDLE accepted', () => client.idling, 5000);
  const tree = processTree(d.pid);
  assert.ok(tree.length >= 4, `master, log, config, login, imap… (${tree.length})`);
  const t0 = Date.now();
  await d.stop();
  t.diagnostic(`stop ${Date.now() - t0} ms for ${tree.length} processes`);
  await until('no process left', () => tree.every((pid) => !running(pid)), 5000);
  assert.equal(running(d.pid), false);
  assert.equal(existsSync(d.dir), false);
  assert.ok(await refused(d.port));
  await d.stop(); // a second stop is harmless
  client.close();
});

// The watchdog: a test process that dies without stop() must not leave a Dovecot behind.
for (const how of ['exits without stop()', 'is killed with SIGKILL'] as const) {
  test(`a test process that ${how} leaves no Dovecot and no temp dir`, async (t) => {
    const d = await server();
    if (!d) return t.skip('dovecot not installed');
    const helper = path.resolve('test/helpers/dovecot.ts');
    const script = `import { startDovecot } from ${JSON.stringify(helper)};
      const d = await startDovecot();
      console.log(JSON.stringify({ pid: d.pid, dir: d.dir, port: d.port }));
      if (process.env.HANG) setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, HANG: how === 'is killed with SIGKILL' ? '1' : '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    await until('child started a Dovecot', () => out.includes('\n'), 20_000);
    const started = JSON.parse(out) as { pid: number; dir: string; port: number };
    const tree = processTree(started.pid);
    assert.ok(running(started.pid) && existsSync(started.dir));
    if (how === 'is killed with SIGKILL') child.kill('SIGKILL');
    await new Promise((r) =>
      child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r),
    );
    await until('Dovecot gone', () => tree.every((pid) => !running(pid)), 15_000);
    await until('temp dir removed', () => !existsSync(started.dir), 15_000);
    assert.ok(await refused(started.port));
  });
}

test('Dovecot missing: null outside CI (the test skips), a throw under CI', async () => {
  const saved = process.env.CI;
  try {
    delete process.env.CI;
    assert.equal(await startDovecot({ binary: '/nonexistent/dovecot' }), null);
    process.env.CI = 'true';
    await assert.rejects(startDovecot({ binary: '/nonexistent/dovecot' }), /Dovecot is not installed/);
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
});
