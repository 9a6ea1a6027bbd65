/**
 * E-mail ingest (issue 13, Benchmark): corpus messages through SMTP into cases on SQLite, against a
 * bare loop that only parses the same messages with the same parser in the same run.
 *
 *  - Messages: the 73 files of test/fixtures/mail cycled up to BENCH_MESSAGES (10,000; 1,000 with
 *    --quick), each copy with a Message-ID of its own (the header's value rewritten, or the header
 *    added when the file has none; every other byte as in the corpus).
 *  - Bare: `parseMail` (src/server/channels/email/parse.ts, the parser the server's inbound chain
 *    calls: mailparser, classification, HTML sanitising) over the same buffers, sequentially, in this
 *    process; measured before and after the ingest, the faster counting (the harder ratio).
 *  - Frontline: the real server (`node src/server/main.ts serve`) in a child process on a fresh
 *    SQLite file with the demo seed, its SMTP receiver on a free port (FRONTLINE_SMTP_PORT=0), the
 *    scheduler and the realtime dispatcher running. The demo mailbox support@frontline.demo (hotline
 *    team) acknowledges new cases (on, as shipped: the replies go to <data dir>/mail/outbound without
 *    SMTP_URL). This process sends over SMTP with nodemailer (a pool of BENCH_SENDERS (4)
 *    connections, twice as many messages in flight) and listens on /api/v1/stream as the hotline
 *    officer (olivia), who hears the team room.
 *    Rate: messages / (first send → the last item processed, by the server's processed_at).
 *    To screen: for each message that lands on a case, its SMTP 250 → the first `case.created` or
 *    `case.message_received` invalidation naming its case (at or after the item was processed).
 *  - Then, paced: a tenth of the messages (at most 1,000) sent at half the measured rate, their
 *    250 → screen again: latency without a backlog, to tell queueing from a fixed delay.
 *  - The rate target again in CPU time (the server's CPU per message from /proc against the bare
 *    loop's): on a shared machine the neighbours slow both wall clocks, and not equally. Progress
 *    lines give, per thousand, the server's CPU per message and the CPU the other processes took.
 *
 * Sender-and-subject threading: each copy is the same sender writing the same subject again, so with
 * the mailbox's default (7 days) every copy after the first joins the first copy's case. The
 * benchmark turns it off on the mailbox (as an administrator may) so that copies become new cases,
 * the heavier and more usual path; BENCH_SUBJECT_THREADING=1 keeps the default.
 *
 * Why a child process: the server's event loop carries the SMTP sessions, the inbound chain and the
 * dispatcher; the load generator and the listening "desktop" must not share it (or delay it) — on a
 * 2-core machine each gets a core. The bare loop runs here while the server is not yet started
 * (and again after it stopped).
 *
 * Run: node bench/email-ingest.ts [--quick]
 * Knobs: BENCH_MESSAGES (10000), BENCH_SENDERS (4), BENCH_SUBJECT_THREADING=1,
 * BENCH_PROFILE=<dir> (the server under --cpu-prof, its profile written there and summarised by
 * part: parsing, SQLite statements, COMMIT, kysely, SLA clocks, SMTP…), BENCH_KEEP=1 (keep the data
 * directory). BENCH_STRICT=1 (CI) exits 1 when the latency target is missed (p99 < 1 s), a message
 * was refused, left unprocessed or never reached the screen, or the rate fell below FLOOR_RATIO (a
 * regression). The 25 % rate target is blocked (README: what a message costs besides parsing) and is
 * printed against the proposed target, PROPOSED_RATIO, without failing the run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import WebSocket from 'ws';
import { parseMail } from '../src/server/channels/email/parse.ts';
import { sourceKeyOf } from '../src/server/modules/messages/inbound.service.ts';
import { MailboxesService } from '../src/server/modules/messages/mailboxes.service.ts';
import { SYSTEM_ACTOR } from '../src/server/platform/audit.ts';
import { openContext } from '../src/server/platform/boot.ts';
import { loadConfig } from '../src/server/platform/config.ts';
import { Secrets } from '../src/server/platform/secrets.ts';
import { seedDemo } from '../src/server/seed/demo.ts';
import { figure, info, median, ms, pct, percentile, seconds, slowdownOf, tempDir } from './lib.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..');
const CORPUS = path.join(ROOT, 'test/fixtures/mail');
const MAIN = path.join(ROOT, 'src/server/main.ts');

const QUICK = process.argv.includes('--quick');
const N = Number(process.env.BENCH_MESSAGES ?? (QUICK ? 1000 : 10_000));
const SENDERS = Number(process.env.BENCH_SENDERS ?? 4);
const SUBJECT_THREADING = process.env.BENCH_SUBJECT_THREADING === '1';
const PROFILE = process.env.BENCH_PROFILE;
const MAILBOX = 'support@frontline.demo';
const PASSWORD = 'bench-3c9e71a04b5d';
const TARGET_RATIO = 0.25;
/** Proposed instead of the 25 % (README, issue 13's note): 11.3 % measured before routing landed, 7.4 % after. */
const PROPOSED_RATIO = 0.1;
/** Below this the run fails in CI: a regression, under the quiet figure (7.4 % with routing) and its noise. */
const FLOOR_RATIO = 0.05;
const TARGET_P99_MS = 1000;
/**
 * The 1 s is a figure for the reference machine, the quiet one whose bare parse ran at this rate
 * (README, issue 13). A shared machine parses slower some hours (1,155–1,607/s have been measured on
 * this one with nothing else running), and a burst's backlog, so its p99, grows with it: a run at
 * 1,155/s gave a p99 of 1.24 s with the app's cost per message at its usual share. As kb-search.ts
 * and workspace-scale.ts do, the target is scaled by how much slower the bare parse runs in this
 * run, between 1 and MAX_SLOWDOWN times; the rate's floor (a ratio to the same bare parse) still
 * catches an app that got slower.
 */
const REFERENCE_BARE_RATE = 2619;
const MAX_SLOWDOWN = 2.5;
/** No item processed for this long while some are pending: stop waiting and report them. */
const STALL_MS = 90_000;
/** After the last item is processed, how long the screen may still take (the dispatcher polls every 2 s). */
const SCREEN_GRACE_MS = 10_000;

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with the server's timestamps). */
const now = () => performance.timeOrigin + performance.now();
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

// ---------------------------------------------------------------------------------------------
// The messages

type Kind = 'message' | 'auto_reply' | 'bounce' | 'list' | 'spam';
interface CorpusEntry {
  file: string;
  kind: Kind;
  raw: Buffer;
}
interface Item {
  n: number;
  entry: CorpusEntry;
  messageId: string;
  raw: Buffer;
  sentAt?: number;
  acceptedAt?: number;
  refused?: string;
}

function loadCorpus(): CorpusEntry[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as {
    messages: { file: string; expect: { kind: Kind } }[];
  };
  return manifest.messages.map((m) => ({
    file: m.file,
    kind: m.expect.kind,
    raw: fs.readFileSync(path.join(CORPUS, m.file)),
  }));
}

/**
 * The message with `Message-ID: <id>`: the top-level header's value replaced (folded lines
 * included), or the header added as the first one (after an mbox `From ` line) when there is none.
 * Everything else stays byte for byte; the line end is the message's own.
 */
export function withMessageId(raw: Buffer, id: string): Buffer {
  const text = raw.toString('latin1'); // one char per byte: offsets are byte offsets
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf >= 0 ? lf : text.length;
  const head = text.slice(0, end);
  const eol = /\r\n/.test(head.slice(0, 2000)) ? '\r\n' : '\n';
  const line = Buffer.from(`Message-ID: <${id}>`, 'latin1');
  const m = /(^|\n)(message-id[ \t]*:[^\n]*?)(\r?\n[ \t][^\n]*?)*(?=\r?\n|$)/i.exec(head);
  if (m) {
    const start = m.index + m[1]!.length;
    const stop = m.index + m[0].length;
    return Buffer.concat([raw.subarray(0, start), line, raw.subarray(stop)]);
  }
  const at = text.startsWith('From ') ? text.indexOf('\n') + 1 : 0;
  return Buffer.concat([raw.subarray(0, at), line, Buffer.from(eol, 'latin1'), raw.subarray(at)]);
}

function makeItems(corpus: CorpusEntry[], from: number, count: number): Item[] {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const entry = corpus[n % corpus.length]!;
    const messageId = `bench-${n}@ingest.frontline.bench`;
    return { n, entry, messageId, raw: withMessageId(entry.raw, messageId) };
  });
}

/** Each file's copy must carry its own id, to the server's key and to the parser alike. */
async function checkRewrite(corpus: CorpusEntry[]): Promise<void> {
  for (const it of makeItems(corpus, 0, corpus.length)) {
    const key = sourceKeyOf(it.raw);
    const parsed = await parseMail(it.raw);
    if (key !== `mid:${it.messageId}` || parsed.sourceId !== it.messageId)
      throw new Error(
        `${it.entry.file}: rewritten Message-ID not read back (key ${key}, parsed ${parsed.sourceId})`,
      );
  }
}

/** The bare loop: every buffer through parseMail, one after another. Rate, wall and CPU time each. */
async function bareParse(items: Item[]): Promise<{ rate: number; msPer: number; cpuMsPer: number }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (const it of items) await parseMail(it.raw);
  const elapsed = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return {
    rate: (items.length * 1000) / elapsed,
    msPer: elapsed / items.length,
    cpuMsPer: (used.user + used.system) / 1000 / items.length,
  };
}

// ---------------------------------------------------------------------------------------------
// The server

interface Server {
  child: ChildProcess;
  httpPort: number;
  smtpPort: number;
  output: () => string;
}

async function prepare(dir: string): Promise<void> {
  const ctx = await openContext(loadConfig({ FRONTLINE_DATA_DIR: dir, LOG_LEVEL: 'silent' }));
  try {
    await seedDemo(ctx, { password: PASSWORD });
    if (!SUBJECT_THREADING) {
      const mailboxes = new MailboxesService(ctx, { secrets: new Secrets(ctx.config) });
      const box = (await mailboxes.list()).find((b) => b.address === MAILBOX);
      if (!box) throw new Error(`the demo seed has no mailbox ${MAILBOX}`);
      await mailboxes.update(SYSTEM_ACTOR, box.id, { options: { threadBySubjectDays: null } }, undefined);
    }
  } finally {
    await ctx.store.close();
  }
}

async function startServer(dir: string): Promise<Server> {
  const execArgv = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE)}`] : [];
  const child = spawn(process.execPath, [...execArgv, MAIN, 'serve'], {
    env: {
      ...process.env,
      FRONTLINE_DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      FRONTLINE_SMTP_PORT: '0',
      FRONTLINE_SMTP_HOST: '127.0.0.1',
      FRONTLINE_INSECURE_COOKIES: '1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      SMTP_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => {
    out += b;
  });
  child.stderr!.on('data', (b) => {
    out += b;
  });
  const deadline = Date.now() + 120_000;
  while (!/running at/.test(out) && child.exitCode === null && Date.now() < deadline) await sleep(50);
  const http = /running at http:\/\/[^:]+:(\d+)/.exec(out);
  const smtp = /SMTP receiver on [^\s]+:(\d+)/.exec(out);
  if (!http || !smtp) {
    child.kill('SIGKILL');
    throw new Error(`the server did not start:\n${out}`);
  }
  return { child, httpPort: Number(http[1]), smtpPort: Number(smtp[1]), output: () => out };
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const gone = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM'); // main.ts closes the receiver, the app and the database, then exits
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 30_000);
  await gone;
  clearTimeout(timer);
}

/** CPU time (user + system, ms) of a process so far, from /proc. */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
}
/** The whole machine's busy CPU time (ms, all cores) so far, from /proc/stat. */
function machineBusyMs(): number {
  const [, ...f] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const v = f.map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return ((total - v[3]! - v[4]!) * 1000) / 100; // minus idle and iowait
}

// ---------------------------------------------------------------------------------------------
// The officer's screen: the stream, signed in as olivia

interface Screen {
  /** case id → arrival times of invalidations naming it in the team room. */
  seen: Map<string, number[]>;
  teamRoom: string;
  close(): void;
}

async function openScreen(port: number): Promise<Screen> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'olivia', password: PASSWORD }),
  });
  const body = (await res.json()) as { user?: { teamId: string | null } };
  if (res.status !== 200 || !body.user?.teamId)
    throw new Error(`login olivia: ${res.status} ${JSON.stringify(body)}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const teamRoom = `team:${body.user.teamId}`;
  const seen = new Map<string, number[]>();
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/stream`, { headers: { cookie } });
  const hello = new Promise<string[]>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data) => {
      const at = now();
      const m = JSON.parse(String(data)) as { type: string; id?: string; room?: string; rooms?: string[] };
      if (m.type === 'hello') resolve(m.rooms ?? []);
      else if (
        m.id &&
        m.room === teamRoom &&
        (m.type === 'case.created' || m.type === 'case.message_received')
      ) {
        const xs = seen.get(m.id) ?? [];
        xs.push(at);
        seen.set(m.id, xs);
      } else if (m.type === 'resync') info('the stream asked for a resync (messages may have been missed)');
    });
  });
  const rooms = await hello;
  if (!rooms.includes(teamRoom))
    throw new Error(`olivia's socket is not in ${teamRoom}: ${rooms.join(', ')}`);
  return { seen, teamRoom, close: () => ws.close() };
}

// ---------------------------------------------------------------------------------------------
// Sending

function transport(port: number) {
  return nodemailer.createTransport({
    pool: true,
    maxConnections: SENDERS,
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 10_000,
    socketTimeout: 60_000,
  });
}
type Transport = ReturnType<typeof transport>;

async function sendOne(t: Transport, it: Item): Promise<void> {
  it.sentAt = now();
  try {
    await t.sendMail({ envelope: { from: 'mta@sender.example', to: [MAILBOX] }, raw: it.raw });
    it.acceptedAt = now();
  } catch (err) {
    it.refused = err instanceof Error ? err.message : String(err);
  }
}

/** As fast as the pool goes: 2 × SENDERS messages in flight. */
async function burst(t: Transport, items: Item[], progress: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: SENDERS * 2 }, async () => {
      while (next < items.length) {
        await sendOne(t, items[next++]!);
        if (++done % 1000 === 0) progress(done);
      }
    }),
  );
}

/** One message every 1/rate seconds (on a schedule, not after the previous answer). */
async function paced(t: Transport, items: Item[], rate: number): Promise<void> {
  const t0 = performance.now();
  const sends: Promise<void>[] = [];
  for (let k = 0; k < items.length; k++) {
    const due = t0 + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    sends.push(sendOne(t, items[k]!));
  }
  await Promise.all(sends);
}

// ---------------------------------------------------------------------------------------------
// What the server made of them

interface Row {
  state: string;
  outcome: string | null;
  processedAt: number | null;
  lastError: string | null;
}

function readRows(dbFile: string): Map<string, Row> {
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    const rows = db
      .prepare('SELECT source_key, state, outcome, processed_at, last_error FROM inbound_raw')
      .all() as {
      source_key: string;
      state: string;
      outcome: string | null;
      processed_at: string | null;
      last_error: string | null;
    }[];
    const out = new Map<string, Row>();
    for (const r of rows)
      out.set(r.source_key, {
        state: r.state,
        outcome: r.outcome,
        processedAt: r.processed_at ? Date.parse(r.processed_at) : null,
        lastError: r.last_error,
      });
    return out;
  } finally {
    db.close();
  }
}

/** Wait until every accepted item is processed (or nothing moves for STALL_MS). */
async function settle(dbFile: string, accepted: number, label: string): Promise<void> {
  const db = new DatabaseSync(dbFile, { readOnly: true });
  const count = db.prepare(
    "SELECT count(*) AS n, coalesce(sum(state = 'received'), 0) AS pending FROM inbound_raw WHERE source_key LIKE 'mid:bench-%'",
  );
  try {
    let last = -1;
    let lastMove = Date.now();
    let lastSay = Date.now();
    for (;;) {
      const { n, pending } = count.get() as { n: number; pending: number };
      const done = Number(n) - Number(pending);
      if (Number(n) >= accepted && Number(pending) === 0) return;
      if (done !== last) {
        last = done;
        lastMove = Date.now();
      }
      if (Date.now() - lastSay > 10_000) {
        info(`  ${label}: ${done} of ${accepted} processed`);
        lastSay = Date.now();
      }
      if (Date.now() - lastMove > STALL_MS) {
        info(
          `  ${label}: nothing processed for ${STALL_MS / 1000}s, ${pending} still pending; stopped waiting`,
        );
        return;
      }
      await sleep(100);
    }
  } finally {
    db.close();
  }
}

interface Outcome {
  result: 'message' | 'bounce' | 'ignored';
  caseId?: string;
  caseCreated?: boolean;
  reason?: string;
}

interface Measured {
  /** Messages per second, first send → last processed. */
  rate: number;
  elapsedMs: number;
  /** First send → last 250. */
  acceptMs: number;
  onCase: number;
  toScreen: number[];
  notOnScreen: number;
  /** Messages whose case had received another of these messages (matched by time, not identity). */
  shared: number;
  outcomes: Map<string, number>;
  byKind: Map<Kind, Map<string, number>>;
  refused: Item[];
  unprocessed: { item: Item; row: Row | undefined }[];
}

/** Wait for the screen to hear of every case, then match each message to its invalidation. */
async function measure(items: Item[], dbFile: string, screen: Screen): Promise<Measured> {
  let rows = readRows(dbFile);
  const caseOf = (it: Item): string | null => {
    const r = rows.get(`mid:${it.messageId}`);
    const o = r?.outcome ? (JSON.parse(r.outcome) as Outcome) : null;
    return o?.result === 'message' && o.caseId ? o.caseId : null;
  };
  const grace = Date.now() + SCREEN_GRACE_MS;
  while (
    Date.now() < grace &&
    items.some((it) => it.acceptedAt && caseOf(it) && !screen.seen.has(caseOf(it)!))
  )
    await sleep(100);
  rows = readRows(dbFile);

  const perCase = new Map<string, number>();
  for (const it of items) {
    const c = caseOf(it);
    if (c) perCase.set(c, (perCase.get(c) ?? 0) + 1);
  }
  const m: Measured = {
    rate: 0,
    elapsedMs: 0,
    acceptMs: 0,
    onCase: 0,
    toScreen: [],
    notOnScreen: 0,
    shared: 0,
    outcomes: new Map(),
    byKind: new Map(),
    refused: [],
    unprocessed: [],
  };
  const count = (map: Map<string, number>, k: string) => map.set(k, (map.get(k) ?? 0) + 1);
  let lastProcessed = 0;
  let lastAccepted = 0;
  const firstSent = Math.min(...items.map((it) => it.sentAt ?? Number.POSITIVE_INFINITY));
  for (const it of items) {
    if (!it.acceptedAt) {
      m.refused.push(it);
      continue;
    }
    lastAccepted = Math.max(lastAccepted, it.acceptedAt);
    const r = rows.get(`mid:${it.messageId}`);
    if (!r || r.state === 'received' || r.state === 'failed' || !r.outcome) {
      m.unprocessed.push({ item: it, row: r });
      continue;
    }
    lastProcessed = Math.max(lastProcessed, r.processedAt ?? 0);
    const o = JSON.parse(r.outcome) as Outcome;
    const label =
      o.result === 'message'
        ? o.caseCreated
          ? 'new case'
          : 'joined a case'
        : o.result === 'bounce'
          ? 'bounce recorded'
          : `ignored: ${o.reason}`;
    count(m.outcomes, label);
    const k = m.byKind.get(it.entry.kind) ?? new Map<string, number>();
    m.byKind.set(it.entry.kind, k);
    count(k, label);
    if (o.result !== 'message' || !o.caseId) continue;
    m.onCase++;
    if ((perCase.get(o.caseId) ?? 0) > 1) m.shared++;
    // The first invalidation for its case after the item was processed (processed_at is the start
    // of the transaction that made it a message; the invalidation follows its commit).
    const arrivals = screen.seen.get(o.caseId) ?? [];
    const from = r.processedAt ?? it.acceptedAt;
    const hit = arrivals.find((a) => a >= from);
    if (hit === undefined) m.notOnScreen++;
    else m.toScreen.push(hit - it.acceptedAt);
  }
  m.elapsedMs = lastProcessed - firstSent;
  m.acceptMs = lastAccepted - firstSent;
  m.rate = ((items.length - m.refused.length) * 1000) / m.elapsedMs;
  return m;
}

// ---------------------------------------------------------------------------------------------
// BENCH_PROFILE: the server's CPU profile, by part, over the ingest (first to last SMTP sample)

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}
/** First rule whose pattern matches a frame, walking from the leaf up, names the part. */
const PARTS: [string, RegExp][] = [
  [
    'parsing (parseMail: mailparser, charsets, sanitising)',
    /mailparser|mailsplit|libmime|libqp|libbase64|iconv-lite|encoding-japanese|html-to-text|htmlparser2|sanitize-html|linkify|\/channels\/email\/(parse|classify|sanitize)\.ts/,
  ],
  ['SLA clocks (business time, luxon)', /\/modules\/sla\/|luxon/],
  ['case search index', /case-search\.ts/],
  ['acknowledgement mail (render, folder sink)', /nodemailer|outbound\.service|notifications\/mailer/],
  ['SMTP sessions (smtp-server, sockets)', /smtp-server|smtp-receiver|node:net|stream_base/],
  ['realtime dispatch', /realtime\/|\/ws\//],
  ['kysely (building and compiling queries)', /kysely/],
];

function summariseProfile(dir: string, pid: number): void {
  const file = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`))
    .map((f) => path.join(dir, f))[0];
  if (!file) {
    info(`no CPU profile of pid ${pid} in ${dir}`);
    return;
  }
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number) => {
    const out: { fn: string; url: string }[] = [];
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const cf = byId.get(x)!.callFrame;
      out.push({ fn: cf.functionName, url: cf.url });
    }
    return out;
  };
  const stacks = new Map<number, { fn: string; url: string }[]>();
  const stack = (id: number) => stacks.get(id) ?? stacks.set(id, stackOf(id)).get(id)!;
  const inIngest = p.samples.map((s) => stack(s).some((f) => f.url.includes('smtp-receiver')));
  const first = inIngest.indexOf(true);
  const last = inIngest.lastIndexOf(true);
  const parts = new Map<string, number>();
  let busy = 0;
  for (let i = first; i <= last && first >= 0; i++) {
    const st = stack(p.samples[i]!);
    const leaf = st[0]!;
    const d = p.timeDeltas[i]!;
    if (leaf.fn === '(idle)') continue;
    busy += d;
    let part: string | undefined;
    if (leaf.fn === '(garbage collector)') part = 'garbage collection';
    else if (st.slice(0, 4).some((f) => f.fn === 'commitTransaction')) part = 'SQLite COMMIT';
    else if (
      leaf.url.includes('sqlite-driver') &&
      ['run', 'all', 'get', 'iterate', 'prepare'].includes(leaf.fn)
    )
      part = 'SQLite statements (native)';
    else
      for (const f of st) {
        part = PARTS.find(([, rx]) => rx.test(f.url))?.[0];
        if (part) break;
      }
    part ??= 'other (the chain, services, Node internals)';
    parts.set(part, (parts.get(part) ?? 0) + d);
  }
  info(
    `server CPU profile (${path.basename(file)}), the ingest's ${seconds(busy / 1000)} of busy time by part:`,
  );
  for (const [k, v] of [...parts].sort((a, b) => b[1] - a[1])) info(`  ${pct(v, busy).padStart(6)}  ${k}`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const load0 = os.loadavg();
  info(
    `email-ingest: ${N.toLocaleString('en')} messages${QUICK ? ' (--quick: not for reported figures)' : ''}, ${SENDERS} SMTP connections, subject threading ${SUBJECT_THREADING ? 'on (mailbox default, 7 days)' : 'off'}; ${os.cpus().length} cores, load average ${load0.map((x) => x.toFixed(2)).join(' ')}`,
  );
  const corpus = loadCorpus();
  await checkRewrite(corpus);
  const items = makeItems(corpus, 0, N);
  const kinds = new Map<Kind, number>();
  for (const it of items) kinds.set(it.entry.kind, (kinds.get(it.entry.kind) ?? 0) + 1);
  const bytes = items.reduce((a, it) => a + it.raw.length, 0);
  info(
    `corpus: ${corpus.length} files cycled; by kind ${[...kinds].map(([k, v]) => `${k} ${v}`).join(', ')}; ${(bytes / 1e6).toFixed(1)} MB, mean ${(bytes / N / 1024).toFixed(1)} KiB`,
  );

  // Bare, before: warm-up passes over the corpus (the JIT), then the N.
  for (let k = 0; k < 5; k++) for (const e of corpus) await parseMail(e.raw);
  const bare1 = await bareParse(items);
  info(`bare parse (before): ${bare1.rate.toFixed(0)} msg/s, ${ms(bare1.msPer)} each`);

  const tmp = tempDir('email-ingest');
  const dbFile = path.join(tmp.dir, 'frontline.db');
  let server: Server | null = null;
  let screen: Screen | null = null;
  let t: Transport | null = null;
  let ok = true;
  try {
    const tSeed = performance.now();
    await prepare(tmp.dir);
    server = await startServer(tmp.dir);
    info(
      `server: pid ${server.child.pid}, http ${server.httpPort}, smtp ${server.smtpPort} (demo seed ${seconds(performance.now() - tSeed)} with start)`,
    );
    screen = await openScreen(server.httpPort);
    t = transport(server.smtpPort);
    // One message first, so the pool's connections and the server's code paths are warm.
    const warm = makeItems(corpus, N + 1_000_000, 1)[0]!;
    await sendOne(t, warm);
    if (warm.refused) throw new Error(`the warm-up message was refused: ${warm.refused}`);
    await settle(dbFile, 1, 'warm-up');

    const cpu0 = { server: cpuMs(server.child.pid!), self: process.cpuUsage(), machine: machineBusyMs() };
    const tBurst = performance.now();
    // Per thousand: the server's CPU per message, and the machine's share others took (a slower
    // stretch is the neighbours when the CPU per message stays flat, the server when it grows).
    let mark = { at: performance.now(), done: 0, server: cpu0.server, machine: cpu0.machine, self: 0 };
    await burst(t, items, (done) => {
      const x = {
        at: performance.now(),
        done,
        server: cpuMs(server!.child.pid!),
        machine: machineBusyMs(),
        self: (() => {
          const u = process.cpuUsage(cpu0.self);
          return (u.user + u.system) / 1000;
        })(),
      };
      const n = done - mark.done;
      const others = x.machine - mark.machine - (x.server - mark.server) - (x.self - mark.self);
      info(
        `  ${done} accepted: ${((n * 1000) / (x.at - mark.at)).toFixed(0)}/s, server CPU ${ms((x.server - mark.server) / n)} per message, other processes ${pct(Math.max(0, others), x.at - mark.at)} of a core`,
      );
      mark = x;
    });
    const accepted = items.filter((it) => it.acceptedAt).length;
    info(
      `  all sent: ${accepted} accepted in ${seconds(performance.now() - tBurst)}; waiting for processing`,
    );
    await settle(dbFile, accepted, 'burst');
    const cpu1 = {
      server: cpuMs(server.child.pid!),
      self: process.cpuUsage(cpu0.self),
      machine: machineBusyMs(),
    };
    const m = await measure(items, dbFile, screen);

    // Paced, at half the measured rate, without a backlog.
    const pacedItems = makeItems(corpus, N, Math.min(1000, Math.max(50, Math.round(N / 10))));
    const pacedRate = Math.max(1, m.rate / 2);
    info(`paced: ${pacedItems.length} messages at ${pacedRate.toFixed(0)}/s (half the measured rate)`);
    await paced(t, pacedItems, pacedRate);
    await settle(dbFile, accepted + 1 + pacedItems.filter((it) => it.acceptedAt).length, 'paced');
    const p = await measure(pacedItems, dbFile, screen);

    t.close();
    t = null;
    screen.close();
    screen = null;
    await stopServer(server);
    const bare2 = await bareParse(items);
    info(`bare parse (after): ${bare2.rate.toFixed(0)} msg/s, ${ms(bare2.msPer)} each`);
    const bare = bare1.rate >= bare2.rate ? bare1 : bare2;

    // Where the time went, in CPU: the server's per message, against parsing alone.
    const serverCpu = cpu1.server - cpu0.server;
    const selfCpu = (cpu1.self.user + cpu1.self.system) / 1000;
    const machine = cpu1.machine - cpu0.machine;
    const wall = m.elapsedMs;
    const others = Math.max(0, machine - serverCpu - selfCpu);
    info(
      `CPU during the burst (${seconds(wall)} wall, ${os.cpus().length} cores = ${seconds(wall * os.cpus().length)} available): server ${seconds(serverCpu)} (${ms(serverCpu / N)} per message, ${pct(serverCpu, wall)} of one core), this process ${seconds(selfCpu)}, other processes on the machine ${seconds(others)}`,
    );
    const bareCpu = Math.min(bare1.cpuMsPer, bare2.cpuMsPer);
    const serverCpuPer = serverCpu / (N - m.refused.length);
    info(
      `load average at the end ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );

    const outcomeLine = (x: Measured) =>
      [...x.outcomes]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    info('outcomes by corpus kind (burst):');
    for (const [kind, map] of [...m.byKind].sort((a, b) => (kinds.get(b[0]) ?? 0) - (kinds.get(a[0]) ?? 0)))
      info(`  ${kind} (${kinds.get(kind)}): ${[...map].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    if (m.shared)
      info(
        `  ${m.shared} messages landed on a case another of them had reached (matched to the screen by time)`,
      );
    for (const x of [m, p]) {
      for (const r of x.refused.slice(0, 5)) info(`  refused ${r.entry.file} (${r.messageId}): ${r.refused}`);
      for (const u of x.unprocessed.slice(0, 5))
        info(
          `  unprocessed ${u.item.entry.file} (${u.item.messageId}): ${u.row?.state ?? 'no row'} ${u.row?.lastError ?? ''}`,
        );
    }

    const ratio = m.rate / bare.rate;
    const ratioOk = ratio >= TARGET_RATIO;
    const ratioVerdict = ratioOk
      ? 'met'
      : `missed: blocked (proposed target >=${PROPOSED_RATIO * 100}% ${ratio >= PROPOSED_RATIO ? 'met' : 'missed'}${ratio < FLOOR_RATIO ? `; under the ${FLOOR_RATIO * 100}% floor: a regression` : ''})`;
    const p99 = m.toScreen.length ? percentile(m.toScreen, 99) : Number.POSITIVE_INFINITY;
    // A rate: the reference's over this run's (a slower parse is a smaller rate).
    const slowdown = slowdownOf(REFERENCE_BARE_RATE, bare.rate, MAX_SLOWDOWN);
    const target = TARGET_P99_MS * slowdown;
    const screenOk = p99 < target && m.notOnScreen === 0;
    const clean = !m.refused.length && !m.unprocessed.length && !p.refused.length && !p.unprocessed.length;
    ok = ratio >= FLOOR_RATIO && screenOk && clean;
    const fmt = (xs: number[]) =>
      xs.length ? `p50=${ms(median(xs))} p99=${ms(percentile(xs, 99))} max=${ms(Math.max(...xs))}` : 'none';
    figure(
      `email-ingest bare parse: ${N} messages ${bare.rate.toFixed(0)} msg/s (${ms(bare.msPer)} each; before ${bare1.rate.toFixed(0)}, after ${bare2.rate.toFixed(0)})`,
    );
    figure(
      `email-ingest frontline SMTP→case: ${N - m.refused.length} messages in ${seconds(m.elapsedMs)} = ${m.rate.toFixed(1)} msg/s (all 250s in ${seconds(m.acceptMs)} = ${((N - m.refused.length) / (m.acceptMs / 1000)).toFixed(0)}/s) ratio=${pct(m.rate, bare.rate)} target>=${TARGET_RATIO * 100}% ${ratioVerdict}`,
    );
    figure(
      `email-ingest SMTP 250→officer's screen (burst): ${fmt(m.toScreen)} n=${m.toScreen.length} of ${m.onCase} on a case${m.notOnScreen ? `, ${m.notOnScreen} never seen` : ''} target p99<${seconds(target)} (${seconds(TARGET_P99_MS)} x ${slowdown.toFixed(2)}: the bare parse at ${bare.rate.toFixed(0)}/s against ${REFERENCE_BARE_RATE}/s on the reference machine) ${screenOk ? 'met' : 'MISSED'}`,
    );
    figure(
      `email-ingest SMTP 250→officer's screen (paced, ${pacedItems.length} at ${pacedRate.toFixed(0)}/s): ${fmt(p.toScreen)} n=${p.toScreen.length} of ${p.onCase} on a case${p.notOnScreen ? `, ${p.notOnScreen} never seen` : ''}`,
    );
    // The same comparison in CPU time: a neighbour's load slows both loops' wall clocks, unequally.
    figure(
      `email-ingest CPU per message: server ${ms(serverCpuPer)} (SMTP, store, chain, acknowledgements, dispatch) bare parse ${ms(bareCpu)} ratio=${pct(bareCpu, serverCpuPer)} (the rate target in CPU time, ${bareCpu / serverCpuPer >= TARGET_RATIO ? 'met' : 'missed'})`,
    );
    figure(
      `email-ingest outcomes (burst): ${outcomeLine(m)}${m.refused.length ? `, refused ${m.refused.length}` : ''}${m.unprocessed.length ? `, unprocessed ${m.unprocessed.length}` : ''}`,
    );
    if (PROFILE) summariseProfile(PROFILE, server.child.pid!);
    info(`total ${seconds(performance.now() - started)}`);
  } finally {
    t?.close();
    screen?.close();
    if (server) {
      await stopServer(server).catch(() => {});
      if (server.child.exitCode !== 0 && server.child.exitCode !== null)
        info(`server exited ${server.child.exitCode}:\n${server.output().slice(-2000)}`);
    }
    if (process.env.BENCH_KEEP === '1') info(`data directory kept: ${tmp.dir}`);
    else tmp.remove();
  }
  if (process.env.BENCH_STRICT === '1' && !ok) process.exitCode = 1;
}

await main();
