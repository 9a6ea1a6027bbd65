/**
 * A contact centre's volume in the demo's shape, for the scale benchmarks: the migrated schema and
 * the demo seed (its departments, team, users, categories, policies — so the demo logins work),
 * then, bulk-inserted, years of history: customers with accounts, services and their search lookup
 * rows (built by the customers module's own lookupKeys()), one contact per case with its link, cases
 * over two years (older than ~30 days resolved or closed, recent ones a mix of open states), their
 * SLA clocks, referrals, creation events, and internal notes and customer-visible replies.
 *
 * Sizes (issue 12): 200k = 200,000 cases / 50,000 customers / 600,000 notes and replies;
 *                   1m   = 1,000,000 / 250,000 / 3,000,000.
 * SQLite: a file under BENCH_VOLUME_DIR (default $TMPDIR/frontline-bench-volume), kept between runs.
 * PostgreSQL: a database of its own (frontline_bench_200k, frontline_bench_1m) on the server at
 * FRONTLINE_BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres), kept between runs.
 *
 * A database that is complete for its size (a `bench_volume` row written last) is reused; the app's
 * migrations run on it every time, so columns and indexes added since still apply. Columns are read
 * from the live schema: a generated value whose column does not exist (yet) is left out, and a
 * column the generator does not know is reported.
 *
 * Run alone: node bench/volume.ts --size 200k|1m --db sqlite|postgres|both [--force]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { lookupKeys } from '../src/server/modules/customers/customers.repo.ts';
import { normalizeName } from '../src/server/modules/customers/normalize.ts';
import { columnsOf } from '../src/server/modules/sla/sla.service.ts';
import { systemClock } from '../src/server/platform/clock.ts';
import { type DbTimeouts, loadConfig } from '../src/server/platform/config.ts';
import type { Ctx } from '../src/server/platform/context.ts';
import { type Dialect, openDb } from '../src/server/platform/db/index.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { seedDemo } from '../src/server/seed/demo.ts';
import { info, rng, seconds } from './lib.ts';

export type Size = 'smoke' | '200k' | '1m';
export const SIZES: Record<Size, { cases: number; customers: number; notes: number }> = {
  /** For trying the generator and the benchmark out, not for figures. */
  smoke: { cases: 5_000, customers: 1_250, notes: 15_000 },
  '200k': { cases: 200_000, customers: 50_000, notes: 600_000 },
  '1m': { cases: 1_000_000, customers: 250_000, notes: 3_000_000 },
};
/** Bump when the generated shape changes: cached databases of an older shape are rebuilt. */
const GENERATOR_VERSION = '1';
/** The demo users' password in every generated database. */
export const VOLUME_PASSWORD = 'bench-5f1e9a0c37d2';
export const PG_URL = process.env.FRONTLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const VOLUME_DIR = process.env.BENCH_VOLUME_DIR ?? path.join(os.tmpdir(), 'frontline-bench-volume');

/**
 * The queue columns (is_open, queue_rank) as the cases module computes them, when this checkout has
 * them (another change adds them); without them those columns do not exist either.
 */
type Derive = (c: { status: string; priority: string; criticality: string }) => Record<string, number>;
const caseDerived: Derive | null = await import('../src/server/modules/cases/queue-order.ts').then(
  (m: { caseDerived?: Derive }) => m.caseDerived ?? null,
  () => null,
);

const DAY = 86_400_000;
const HISTORY_DAYS = 730;
/** Cases older than this are all resolved or closed. */
const OPEN_WINDOW_DAYS = 30;

/** Where a generated database lives, and how the app opens it. */
export interface VolumeTarget {
  dialect: Dialect;
  size: Size;
  sqliteFile?: string;
  databaseUrl?: string;
  /** The demo's data directory for this database (demo password file). */
  dataDir: string;
  label: string;
}

export function volumeTarget(dialect: Dialect, size: Size): VolumeTarget {
  const dataDir = path.join(VOLUME_DIR, `${dialect}-${size}`);
  if (dialect === 'sqlite')
    return {
      dialect,
      size,
      dataDir,
      sqliteFile: path.join(dataDir, 'frontline.db'),
      label: `sqlite ${size}`,
    };
  const u = new URL(PG_URL);
  u.pathname = `/frontline_bench_${size}`;
  return { dialect, size, dataDir, databaseUrl: u.toString(), label: `postgres ${size}` };
}

export const openTarget = (t: VolumeTarget, poolSize?: number) =>
  openDb(
    t.dialect === 'sqlite'
      ? { sqliteFile: t.sqliteFile! }
      : { databaseUrl: t.databaseUrl!, ...(poolSize ? { poolSize } : {}) },
  );

// ---------------------------------------------------------------------------------------------
// Words: names, subjects, note sentences, and rare words a search can be asked for.

const words = (s: string) => s.trim().split(/\s+/);
const CN_FAMILY = words(`Tan Lim Lee Ng Ong Wong Goh Chua Chan Koh Teo Ang Yeo Tay Ho Low Toh Sim Chong Chia
  Liew Quek Seah Phua Heng Lau Foo Kwek Chen Lin Huang Zhang Wu Zhou Xu Sun Ma Zhu Hu Guo Lu Cai Yap Loh Soh
  Tham Pang Poh Wee Leong Kang Hong Khoo Kok Lai Leow Neo Oei Peh Sng Tey Thong Tio Yong`);
const CN_SYLLABLE = words(`Wei Ming Hui Ling Jia Xin Kai Jun Mei Hao Yi Zhi Li Na Jie Min Yu Qi Xiu Ying Hong
  Feng Chen Yong Kang Rui Shan Lan Fang Hua Jing Wen Bin Cheng Da Guang Hai Jian Kun Lei Long Peng Qiang Sheng
  Tao Xiang Yan Yuan Zhen Zhong An Bao Chun Dong En Fei Gang Heng Hui Jin Kit Liang Ping Qing Shu Ting Xuan
  Yee Zi Boon Choon Eng Hock Keng Seng Siew Swee Teck Wah`);
const EN_GIVEN = words(`Daniel Rachel Joshua Sarah Marcus Chloe Ethan Grace Isaac Hannah Ryan Amanda Bryan
  Cheryl Aaron Vanessa Benjamin Nicole Jonathan Michelle Samuel Jasmine Nathan Stephanie Gabriel Natalie Adrian
  Joanne Brandon Melissa Dylan Felicia Elijah Gwendolyn Francis Hazel Gordon Irene Harold Joyce Ivan Kimberly
  Jerome Lydia Kelvin Megan Lucas Olivia Matthew Pamela Noah Queenie Oscar Rebecca Patrick Sabrina Quentin
  Theresa Raymond Ursula Sebastian Valerie Timothy Wendy Victor Yvonne Walter Zoe Xavier Alicia Zachary Bernice
  Andrew Caroline Brian Denise Christopher Eileen Derek Fiona Edmund Gillian Frederick Heather George Ingrid
  Henry Janice Justin Karen Kenneth Laura Leonard Monica Martin Nadia Neil Ophelia Owen Priscilla Peter Rosalind
  Roy Serena Shawn Tiffany Terence Una Vincent Vera Warren Winnie José Zoë`);
const EN_FAMILY = words(`Smith Jones Brown Taylor Wilson Davies Evans Thomas Johnson Roberts Walker Wright
  Robinson Thompson White Hughes Edwards Green Hall Wood Harris Lewis Martin Jackson Clarke Clark Turner Hill
  Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Patel Young Allen Mitchell James Anderson
  Phillips Lee Bell Parker Davis Fernandez DSouza Pereira Rodrigues Gomes Sequeira Mendes Fonseca Pinto Lopez
  Garcia Santos Reyes Cruz Ramos Castillo Navarro Romero Schmidt Muller Fischer Weber Meyer Wagner Becker
  Hoffmann Koch Richter Klein Wolf Schroder Neumann Schwarz Zimmermann Braun Hartmann Lange Werner Krause`);
const MY_FIRST = words(`Nur Siti Muhammad Ahmad Mohd Nurul Fatimah Aisyah Farah Irfan Hafiz Haziq Syafiq
  Amirah Nabilah Zulkifli Azman Rosli Hamid Rahim Ismail Yusof Hassan Osman Salleh Kamal Faisal Shahrul Aidil
  Izzat Danial Adam Aqil Amir Hakim Iskandar Luqman Rizal Syahmi Zikri Aina Alya Balqis Damia Hana Insyirah
  Maisarah Qistina Sofea Zahra`);
const MY_SECOND = words(`Aisyah Atiqah Hidayah Syazwani Izzati Aqilah Farhana Hanis Liyana Nadhirah Rashid
  Firdaus Hakimi Haikal Hazwan Ikhwan Khairul Nazri Rafiq Ridhwan Shafiq Taufiq Zaki Amin Arif Azlan Fauzi
  Hisham Iqbal Jamal Karim Latif Naim Rahman Saiful Yazid Zainal Adlina Afiqah Batrisyia Dayana Erina Fatin
  Husna Irdina Khadijah Mardhiah Nabila Qaseh Raihana Sakinah`);
const IN_GIVEN = words(`Priya Rajesh Arjun Kavitha Kumar Aditi Anand Deepa Ganesh Lakshmi Mohan Nirmala
  Prakash Radha Suresh Uma Vijay Anitha Bala Chitra Dinesh Geetha Hari Indira Jayan Kala Mani Meena Naveen
  Padma Ravi Revathi Sanjay Saranya Senthil Shanti Siva Sunita Thiru Usha Vasanth Vani Yogesh Ashwin Divya
  Gopal Harini Karthik Lavanya Manoj Nandini Pooja Rahul Sangeetha Tharun Varsha Vikram Anjali Bharath`);
const IN_FAMILY = words(`Pillai Nair Krishnan Menon Raj Iyer Rao Reddy Naidu Subramaniam Ramasamy Muthu
  Govindasamy Chandran Rajendran Shanmugam Thangavelu Velu Kannan Murugan Selvam Sundaram Arumugam Balakrishnan
  Gopal Kumar Singh Sharma Gill Dhillon Sandhu Kaur Grewal Sidhu`);

/** A person's name, a pure function of their index: the four naming styles of the demo's callers. */
export function personName(r: () => number): string {
  const p = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const style = r();
  if (style < 0.45) {
    const cn = `${p(CN_FAMILY)} ${p(CN_SYLLABLE)} ${p(CN_SYLLABLE)}`;
    return r() < 0.35 ? `${p(EN_GIVEN)} ${cn}` : cn;
  }
  if (style < 0.6) {
    const given = r() < 0.6 ? `${p(MY_FIRST)} ${p(MY_SECOND)}` : p(MY_FIRST);
    return `${given} ${r() < 0.5 ? 'Bin' : 'Binte'} ${p(MY_SECOND)}`;
  }
  if (style < 0.75)
    return `${p(IN_GIVEN)} ${r() < 0.5 ? p(IN_GIVEN) : ''} ${p(IN_FAMILY)}`.replace(/ +/g, ' ');
  return r() < 0.4
    ? `${p(EN_GIVEN)} ${p(EN_GIVEN)} ${p(EN_FAMILY)}`
    : `${p(EN_GIVEN)} ${r() < 0.3 ? `${p(CN_FAMILY)} ` : ''}${p(EN_FAMILY)}`;
}

/**
 * Invented words (`zorvequin`): never in the common vocabulary, each in a few notes only, so "a rare
 * word" search has few, known hits. rareWord(k) for k < RARE_WORDS.
 */
export const RARE_WORDS = 5000;
const RARE_ON = words('zor vex qui lun dra mel tok fen pry sab ulo gri wak nym jes hob');
const RARE_MID = words('va re qu ti no la mi se ko ru');
const RARE_END = words('quin tar mox lith vane dor ric zul bek nix wen pol sto gan yre');
export function rareWord(k: number): string {
  const a = RARE_ON[k % RARE_ON.length]!;
  const b = RARE_MID[Math.floor(k / RARE_ON.length) % RARE_MID.length]!;
  const c = RARE_END[Math.floor(k / (RARE_ON.length * RARE_MID.length)) % RARE_END.length]!;
  const n = Math.floor(k / (RARE_ON.length * RARE_MID.length * RARE_END.length));
  return `${a}${b}${c}${n ? n : ''}`;
}

/** The demo's case kinds (src/server/seed/demo.ts SUBJECTS) and more ways callers put them. */
const SUBJECTS: { type: string; cat: string; subjects: string[] }[] = [
  {
    type: 'complaint',
    cat: 'Charges dispute',
    subjects: [
      'Charged twice for roaming data',
      'Bill shows calls never made',
      'Late payment fee after paying on time',
      'Overcharged for premium SMS',
      'Device instalment billed after it was paid off',
    ],
  },
  {
    type: 'complaint',
    cat: 'No service',
    subjects: [
      'No mobile signal at home since Monday',
      'Home line dead after the storm',
      'Fibre router shows red light',
      'Cannot make calls in the office building',
    ],
  },
  {
    type: 'request_for_action',
    cat: 'Payment arrangement',
    subjects: [
      'Asks for a two-week payment extension',
      'Wants to pay the arrears in instalments',
      'Asks to move the bill due date',
    ],
  },
  {
    type: 'request_for_action',
    cat: 'Plan change',
    subjects: ['Wants to move to Unlimited 80', 'Wants a cheaper plan', 'Adds a line to Family Share'],
  },
  {
    type: 'request_for_action',
    cat: 'Change of particulars',
    subjects: ['Change of billing address', 'Update of e-mail address', 'Change of registered name'],
  },
  {
    type: 'general_enquiry',
    cat: 'Product information',
    subjects: [
      'Asks about fibre plans for a new flat',
      'Asks how roaming day passes work',
      'Asks which phones come with the plan',
    ],
  },
  {
    type: 'general_enquiry',
    cat: 'Promotions',
    subjects: ['Asks whether the year-end promotion applies', 'Asks about the student discount'],
  },
  {
    type: 'complaint',
    cat: 'Slow data',
    subjects: ['Mobile data very slow in the evenings', 'Broadband drops every night', '5G not available'],
  },
  {
    type: 'request_for_action',
    cat: 'Refund',
    subjects: [
      'Refund of deposit after termination',
      'Refund of a double payment',
      'Refund of a cancelled add-on',
    ],
  },
  {
    type: 'compliment',
    cat: 'Staff',
    subjects: ['Thanks the technician for a quick repair', 'Praises the officer who helped last week'],
  },
  {
    type: 'feedback',
    cat: 'Service',
    subjects: ['Suggests SMS reminders before the bill is due', 'Finds the app hard to use'],
  },
  {
    type: 'request_for_action',
    cat: 'Termination',
    subjects: ['Wants to terminate the home line', 'Wants to cancel the second mobile line'],
  },
];

const NOTE_SENTENCES = [
  'Called the customer back and explained how the bill was calculated.',
  'Customer says the charge appeared on the {month} bill for {amount}.',
  'Checked the usage records; the roaming sessions were in {place}.',
  'Waived the late fee of {amount} as the payment was made on time.',
  'Referred to Billing for a revised bill; works order raised.',
  'Technician visit booked for {day} between 9 am and 1 pm.',
  'Network team confirms a cell site fault near {place}; repair in progress.',
  'Customer will send a photo of the router lights by e-mail.',
  'Reset the line remotely; customer confirms dial tone is back.',
  'Explained the {plan} plan and its data allowance.',
  'Customer asked for a payment extension until {day}; within policy for credit class {cls}.',
  'Instalment plan agreed: three payments of {amount}.',
  'Sent the SMS with the reference number and the dateline.',
  'Left a voicemail; will try again tomorrow morning.',
  'Customer prefers to be contacted by e-mail after 6 pm.',
  'Verified identity with NRIC and date of birth.',
  'Deposit refund of {amount} approved; credited within 14 days.',
  'Speed test shows {speed} Mbps at the customer premises.',
  'Customer is unhappy with the waiting time and asked for a supervisor.',
  'Dear customer, thank you for your patience; the adjustment of {amount} will appear on your next bill.',
  'Dear customer, our technician will visit on {day}; please make sure someone is at home.',
  'Dear customer, we have restored the service at {place}. Please let us know if the problem recurs.',
  'Dear customer, your plan will change to {plan} from the next billing cycle.',
  'Following up as promised: the refund has been processed.',
  'No reply from the customer after two attempts; closing per procedure.',
];
const MONTHS = words('January February March April May June July August September October November December');
const PLACES = words(`Tampines Jurong Woodlands Bedok Yishun Punggol Sengkang Clementi Bishan Toa-Payoh
  Serangoon Hougang Bukit-Batok Pasir-Ris Queenstown Bangkok Tokyo Jakarta Kuala-Lumpur Seoul Sydney London`);
const PLANS = ['Value 20', 'Value 40', 'Unlimited 80', 'Family Share', 'Fibre 1G', 'Fibre 500M', 'Home Line'];
const DAYS = words('Monday Tuesday Wednesday Thursday Friday Saturday');

function sentence(r: () => number): string {
  const p = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return p(NOTE_SENTENCES)
    .replace('{month}', p(MONTHS))
    .replace('{amount}', `$${(5 + Math.floor(r() * 400)).toFixed(2)}`)
    .replace('{place}', p(PLACES).replace('-', ' '))
    .replace('{day}', p(DAYS))
    .replace('{plan}', p(PLANS))
    .replace('{cls}', p(['A', 'B', 'C']))
    .replace('{speed}', String(1 + Math.floor(r() * 900)));
}

// ---------------------------------------------------------------------------------------------
// Identifiers.

/** A UUIDv7-shaped, time-ordered id like newId() (its ms prefix is the row's time). */
function bulkId(msTime: number, seq: number): string {
  const t = Math.max(0, msTime).toString(16).padStart(12, '0');
  const u = randomUUID();
  return `${t.slice(0, 8)}-${t.slice(8)}-7${(seq & 0xfff).toString(16).padStart(3, '0')}-${u.slice(19)}`;
}
/** A bijection of 0..9,999,999: seven-digit numbers unique per index but not sequential. */
const scatter7 = (i: number, mul: number, add: number): string =>
  String((i * mul + add) % 10_000_000).padStart(7, '0');
function nric(i: number): string {
  const prefix = i % 3 === 0 ? 'T' : 'S';
  const digits = scatter7(i, 7919, 1_234_567);
  const weights = [2, 7, 6, 5, 4, 3, 2];
  let sum = prefix === 'T' ? 4 : 0;
  for (let k = 0; k < 7; k++) sum += Number(digits[k]) * weights[k]!;
  return `${prefix}${digits}${'JZIHGFEDCBA'[sum % 11]}`;
}
/** Mobiles 8xxxxxxx/9xxxxxxx unique per index (the demo's 200 callers draw theirs at random). */
const mobileOf = (i: number) => `${i % 2 ? '9' : '8'}${scatter7(i, 48_271, 7_654_321)}`;
const lineOf = (i: number) => `6${scatter7(i, 69_621, 3_141_592)}`;

// ---------------------------------------------------------------------------------------------
// Writing rows: the same row objects to either database, in big multi-row statements.

type Row = Record<string, unknown>;

interface Sink {
  /** Queue rows; flushed in batches. Values for columns the table lacks are dropped. */
  add(table: string, row: Row): Promise<void>;
  flushAll(): Promise<void>;
  commitAndBegin(): Promise<void>;
  /** Secondary indexes of these tables are dropped for the load and rebuilt after it. */
  dropIndexes(tables: string[]): Promise<void>;
  rebuildIndexes(): Promise<void>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /** Columns a table has that no generated row filled (reported once). */
  unfilled(): Map<string, string[]>;
}

class TableBuffer {
  readonly cols: string[];
  rows: unknown[][] = [];
  readonly filled = new Set<string>();
  constructor(cols: string[]) {
    this.cols = cols;
  }
  push(row: Row, conv: (col: string, v: unknown) => unknown) {
    for (const k of Object.keys(row)) this.filled.add(k);
    this.rows.push(this.cols.map((c) => conv(c, row[c])));
  }
}

function sqliteValue(v: unknown): SQLInputValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'object') return JSON.stringify(v);
  return v as SQLInputValue;
}

class SqliteSink implements Sink {
  private readonly db: DatabaseSync;
  private readonly buffers = new Map<string, TableBuffer>();
  private readonly stmts = new Map<string, StatementSync>();
  private indexSql: string[] = [];
  constructor(file: string) {
    this.db = new DatabaseSync(file);
    // A half-written file is never reused (the completion row is written last), so no journal.
    this.db.exec('PRAGMA journal_mode = OFF');
    this.db.exec('PRAGMA synchronous = OFF');
    this.db.exec('PRAGMA cache_size = -1048576');
    this.db.exec('PRAGMA temp_store = MEMORY');
    this.db.exec('PRAGMA foreign_keys = OFF');
    this.db.exec('BEGIN');
  }
  private buffer(table: string): TableBuffer {
    let b = this.buffers.get(table);
    if (!b) {
      const cols = (this.db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map(
        (c) => c.name,
      );
      b = new TableBuffer(cols);
      this.buffers.set(table, b);
    }
    return b;
  }
  async add(table: string, row: Row) {
    const b = this.buffer(table);
    b.push(row, (_c, v) => sqliteValue(v));
    const per = Math.max(1, Math.min(500, Math.floor(30_000 / b.cols.length)));
    if (b.rows.length >= per) this.flush(table, b);
  }
  private flush(table: string, b: TableBuffer) {
    if (!b.rows.length) return;
    const n = b.rows.length;
    const key = `${table}:${n}`;
    let stmt = this.stmts.get(key);
    if (!stmt) {
      const one = `(${b.cols.map(() => '?').join(',')})`;
      stmt = this.db.prepare(
        `INSERT INTO "${table}" (${b.cols.map((c) => `"${c}"`).join(',')}) VALUES ${Array(n).fill(one).join(',')}`,
      );
      this.stmts.set(key, stmt);
    }
    stmt.run(...(b.rows.flat() as SQLInputValue[]));
    b.rows = [];
  }
  async flushAll() {
    for (const [t, b] of this.buffers) this.flush(t, b);
  }
  async commitAndBegin() {
    await this.flushAll();
    this.db.exec('COMMIT');
    this.db.exec('BEGIN');
  }
  async dropIndexes(tables: string[]) {
    const rows = this.db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(',')})`,
      )
      .all(...tables) as { name: string; sql: string }[];
    for (const r of rows) this.db.exec(`DROP INDEX "${r.name}"`);
    this.indexSql = rows.map((r) => r.sql);
  }
  async rebuildIndexes() {
    await this.flushAll();
    for (const s of this.indexSql) this.db.exec(s);
    this.indexSql = [];
  }
  async exec(sql: string) {
    this.db.exec(sql);
  }
  async close() {
    await this.flushAll();
    this.db.exec('COMMIT');
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.close();
  }
  unfilled() {
    return unfilledOf(this.buffers);
  }
}

function unfilledOf(buffers: Map<string, TableBuffer>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [t, b] of buffers) {
    const missing = b.cols.filter((c) => !b.filled.has(c));
    if (missing.length) out.set(t, missing);
  }
  return out;
}

class PgSink implements Sink {
  private readonly client: pg.Client;
  private readonly buffers = new Map<string, TableBuffer>();
  private readonly types = new Map<string, Map<string, string>>();
  private indexSql: string[] = [];
  private constructor(client: pg.Client) {
    this.client = client;
  }
  static async open(url: string): Promise<PgSink> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('SET synchronous_commit = off');
    // Rows of several tables are flushed in batches, not in reference order: no foreign-key
    // triggers during the load (the generator writes only ids it made).
    await client.query('SET session_replication_role = replica');
    await client.query("SET maintenance_work_mem = '1GB'");
    await client.query('BEGIN');
    const s = new PgSink(client);
    const cols = await client.query<{ table_name: string; column_name: string; udt_name: string }>(
      `SELECT table_name, column_name, udt_name FROM information_schema.columns
        WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    );
    for (const c of cols.rows) {
      let m = s.types.get(c.table_name);
      if (!m) {
        m = new Map();
        s.types.set(c.table_name, m);
      }
      m.set(c.column_name, c.udt_name);
    }
    return s;
  }
  private buffer(table: string): TableBuffer {
    let b = this.buffers.get(table);
    if (!b) {
      const t = this.types.get(table);
      if (!t) throw new Error(`no table ${table}`);
      b = new TableBuffer([...t.keys()]);
      this.buffers.set(table, b);
    }
    return b;
  }
  async add(table: string, row: Row) {
    const b = this.buffer(table);
    const types = this.types.get(table)!;
    b.push(row, (c, v) => {
      if (v === undefined || v === null) return null;
      const t = types.get(c);
      if (t === 'bool') return Boolean(v);
      if (typeof v === 'object') return JSON.stringify(v);
      return v;
    });
    if (b.rows.length >= 5000) await this.flush(table, b);
  }
  private async flush(table: string, b: TableBuffer) {
    if (!b.rows.length) return;
    const types = this.types.get(table)!;
    const rows = b.rows;
    b.rows = [];
    const arrays = b.cols.map((_, k) => rows.map((r) => r[k]));
    const text = `INSERT INTO "${table}" (${b.cols.map((c) => `"${c}"`).join(',')})
      SELECT * FROM unnest(${b.cols.map((c, k) => `$${k + 1}::${types.get(c)}[]`).join(',')})`;
    await this.client.query(text, arrays);
  }
  async flushAll() {
    for (const [t, b] of this.buffers) await this.flush(t, b);
  }
  async commitAndBegin() {
    await this.flushAll();
    await this.client.query('COMMIT');
    await this.client.query('BEGIN');
  }
  async dropIndexes(tables: string[]) {
    // Indexes that back a constraint (primary keys, UNIQUE columns) stay.
    const r = await this.client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = ANY($1)
          AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
      [tables],
    );
    for (const i of r.rows) await this.client.query(`DROP INDEX "${i.indexname}"`);
    this.indexSql = r.rows.map((i) => i.indexdef);
  }
  async rebuildIndexes() {
    await this.flushAll();
    for (const s of this.indexSql) await this.client.query(s);
    this.indexSql = [];
  }
  async exec(sql: string) {
    await this.flushAll();
    await this.client.query(sql);
  }
  async close() {
    await this.flushAll();
    await this.client.query('COMMIT');
    await this.client.end();
  }
  unfilled() {
    return unfilledOf(this.buffers);
  }
}

// ---------------------------------------------------------------------------------------------
// The centre the demo seeded, read back.

interface Centre {
  departments: { id: string; name: string }[];
  teamId: string;
  users: Record<string, { id: string; teamId: string | null; departmentId: string | null }>;
  /** Leaf categories by name. */
  categories: Map<string, string>;
  policies: Map<string, { id: string; calendarId: string; fr: number | null; res: number | null }>;
  referenceBase: number;
}

async function readCentre(t: VolumeTarget): Promise<Centre> {
  const store = await openTarget(t);
  try {
    const db = store.db;
    const departments = await db
      .selectFrom('departments')
      .select(['id', 'name'])
      .where('external', '=', false)
      .execute();
    const team = await db.selectFrom('teams').select('id').executeTakeFirstOrThrow();
    const users = await db
      .selectFrom('users')
      .select(['id', 'username', 'team_id', 'department_id'])
      .execute();
    const cats = await db
      .selectFrom('case_categories')
      .select(['id', 'name'])
      .where('parent_id', 'is not', null)
      .execute();
    const pols = await db
      .selectFrom('sla_policies')
      .select(['id', 'name', 'calendar_id', 'first_response_minutes', 'resolution_minutes'])
      .execute();
    const cases = await db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const counter = await db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'case')
      .executeTakeFirst();
    return {
      departments,
      teamId: team.id,
      users: Object.fromEntries(
        users.map((u) => [u.username, { id: u.id, teamId: u.team_id, departmentId: u.department_id }]),
      ),
      categories: new Map(cats.map((c) => [c.name, c.id])),
      policies: new Map(
        pols.map((p) => [
          p.name,
          {
            id: p.id,
            calendarId: p.calendar_id,
            fr: p.first_response_minutes,
            res: p.resolution_minutes,
          },
        ]),
      ),
      // The demo's references are gap-free from 1; a sequence (PostgreSQL) leaves the counter behind.
      referenceBase: Math.max(Number(counter?.value ?? 0), Number(cases.n)),
    };
  } finally {
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Generation.

const CUSTOMER_TABLES = ['customers', 'accounts', 'services', 'customer_lookup'];
const CASE_TABLES = [
  'contacts',
  'contact_cases',
  'cases',
  'case_events',
  'case_notes',
  'sla_clocks',
  'referrals',
];
const iso = (ms: number) => new Date(ms).toISOString();

async function generate(
  sink: Sink,
  t: VolumeTarget,
  centre: Centre,
  now: number,
): Promise<Record<string, number>> {
  const n = SIZES[t.size];
  const r = rng(20261202);
  const p = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const counts: Record<string, number> = {};
  const add = async (table: string, row: Row) => {
    counts[table] = (counts[table] ?? 0) + 1;
    await sink.add(table, row);
  };
  const cc = loadConfig({ LOG_LEVEL: 'silent' }).defaultRegion;
  await sink.dropIndexes([...CUSTOMER_TABLES, ...CASE_TABLES]);

  // Customers: registered over the three years before now, each with one or two accounts.
  const customerIds: string[] = new Array(n.customers);
  const start = now - 3 * 365 * DAY;
  for (let i = 0; i < n.customers; i++) {
    const at = start + Math.floor((i / n.customers) * 2 * 365 * DAY);
    const name = personName(r);
    const id = bulkId(at, 0);
    customerIds[i] = id;
    const m = mobileOf(i);
    const stored = r() < 0.5 ? `+65 ${m.slice(0, 4)} ${m.slice(4)}` : m;
    const c = {
      id,
      display_name: name,
      name_norm: normalizeName(name),
      id_type: 'nric',
      id_number: nric(i),
      date_of_birth: `${1950 + Math.floor(r() * 56)}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`,
      phones: JSON.stringify([{ kind: 'mobile', number: stored }]),
      emails: JSON.stringify([`${normalizeName(name).replace(/ /g, '.')}.${i}@example.com`]),
      address: `Blk ${1 + Math.floor(r() * 999)} ${p(PLACES).replace('-', ' ')} St ${10 + Math.floor(r() * 90)}, #${String(2 + Math.floor(r() * 19)).padStart(2, '0')}-${100 + Math.floor(r() * 900)}, Singapore ${100000 + Math.floor(r() * 729999)}`,
      preferred_language: p(['en', 'en', 'en', 'zh', 'ms', 'ta']),
      preferred_channel: p(['phone', 'phone', 'email', 'sms', 'chat']),
      particular_needs: JSON.stringify(
        r() < 0.03
          ? [{ kind: 'hearing_impaired', detail: 'Use text relay or SMS; do not call by voice' }]
          : [],
      ),
      consent: JSON.stringify({
        marketing: r() < 0.4,
        sms: r() < 0.8,
        email: r() < 0.7,
        callRecording: true,
      }),
      segment: p(['consumer', 'consumer', 'consumer', 'premium', 'business']),
      created_at: iso(at),
      updated_at: iso(at),
      version: 1,
      // Customer merge (issue 12) adds these; dropped while the columns do not exist.
      merged_at: null,
      merged_into_id: null,
    };
    await add('customers', c);
    const accounts: Parameters<typeof lookupKeys>[1] = [];
    const services: Parameters<typeof lookupKeys>[2] = [];
    const nAcc = r() < 0.25 ? 2 : 1;
    for (let a = 0; a < nAcc; a++) {
      const acc = {
        id: bulkId(at, 1 + a),
        customer_id: id,
        account_number: `AC${30_000_000 + i * 2 + a}`,
        status: 'active',
        credit_class: p(['A', 'A', 'B', 'B', 'C']),
        balance_minor: Math.floor(r() * 50_000),
        currency: 'SGD',
        billing_address: null,
        opened_at: iso(at),
        created_at: iso(at),
        updated_at: iso(at),
      };
      accounts.push(acc);
      await add('accounts', acc);
      const svc = (kind: string, number: string, plan: string, seq: number) => ({
        id: bulkId(at, 8 + a * 4 + seq),
        account_id: acc.id,
        kind,
        number,
        plan,
        status: 'active',
        created_at: iso(at),
      });
      const list = [
        svc('mobile', a === 0 ? stored : `+65 ${mobileOf(n.customers + i)}`, p(PLANS.slice(0, 4)), 0),
      ];
      if (r() < 0.4) list.push(svc('line', `+65 ${lineOf(i * 2 + a)}`, 'Home Line', 1));
      if (r() < 0.3)
        list.push(svc('broadband', `FB${1_000_000 + i * 2 + a}`, p(['Fibre 1G', 'Fibre 500M']), 2));
      for (const s of list) {
        services.push(s);
        await add('services', s);
      }
    }
    // The search index rows, exactly as the module writes them (reindexCustomer).
    for (const row of lookupKeys(c, accounts, services, cc)) await add('customer_lookup', row);
    if ((i + 1) % 50_000 === 0) {
      await sink.commitAndBegin();
      info(`  ${t.label}: customers ${(i + 1).toLocaleString('en')}`);
    }
  }

  // Cases, oldest first (references rise with time, after the demo's).
  const officers = ['olivia', 'tom', 'lena'].map((u) => centre.users[u]!.id);
  const bella = centre.users.bella?.id ?? officers[0]!;
  const dept = (name: string) => centre.departments.find((d) => d.name === name)?.id ?? null;
  const billing = dept('Billing');
  const tech = dept('Technical Support');
  const cs = dept('Customer Service');
  const collections = dept('Collections');
  const policy = (type: string, critical: boolean) =>
    centre.policies.get(critical ? 'Highly critical' : type === 'complaint' ? 'Complaints' : 'Standard') ??
    [...centre.policies.values()][0];
  const notesPerCase = n.notes / n.cases;
  const from = now - HISTORY_DAYS * DAY;
  for (let i = 0; i < n.cases; i++) {
    const created = Math.floor(from + ((i + r()) / n.cases) * HISTORY_DAYS * DAY);
    const ageDays = (now - created) / DAY;
    const kind = p(SUBJECTS);
    const subject = p(kind.subjects);
    const critical = kind.type === 'complaint' && r() < 0.2;
    const priority = critical
      ? 'urgent'
      : p(['normal', 'normal', 'normal', 'normal', 'normal', 'high', 'low']);
    // A few customers call often, most rarely.
    const customerId = customerIds[Math.floor(r() ** 1.6 * n.customers)]!;
    const creator = p(officers);
    // Where the demo sends it: billing matters to Billing, faults to Technical Support.
    const toDept =
      kind.cat === 'Charges dispute' || kind.cat === 'Refund' || kind.cat === 'Payment arrangement'
        ? r() < 0.85
          ? billing
          : collections
        : kind.cat === 'No service' || kind.cat === 'Slow data'
          ? tech
          : r() < 0.1
            ? cs
            : null;
    const pOpen = ageDays < OPEN_WINDOW_DAYS ? 0.6 * (1 - ageDays / OPEN_WINDOW_DAYS) ** 0.7 : 0;
    let status: string;
    if (r() < pOpen) {
      const u = r();
      status = toDept
        ? u < 0.55
          ? 'pending_action_party'
          : u < 0.7
            ? 'new'
            : u < 0.9
              ? 'open'
              : 'pending_customer'
        : u < 0.15
          ? 'new'
          : u < 0.75
            ? 'open'
            : 'pending_customer';
    } else status = ageDays < 7 || r() < 0.06 ? 'resolved' : 'closed';
    const open = status !== 'resolved' && status !== 'closed';
    const assignee =
      status === 'new' || status === 'pending_action_party'
        ? null
        : toDept === billing && r() < 0.7
          ? bella
          : r() < 0.6
            ? creator
            : p(officers);
    const handled = created + (5 + Math.floor(r() * 600)) * 60_000;
    const resolvedAt = open ? null : Math.min(now - 60_000, created + Math.floor((0.1 + r() * 6) * DAY));
    const closedAt =
      status === 'closed' ? Math.min(now - 30_000, resolvedAt! + Math.floor(r() * 10 * DAY)) : null;
    const lastAt = closedAt ?? resolvedAt ?? Math.min(now - 1000, handled);
    const id = bulkId(created, 0);
    const contactId = bulkId(created - 60_000, 1);
    const pol = policy(kind.type, critical)!;

    // SLA clocks: first response and resolution, stopped when met, running (or paused while the
    // customer is awaited) on open cases.
    const clocks: Row[] = [];
    const clock = (k: 'first_response' | 'resolution', target: number | null, metAt: number | null) => {
      if (target === null) return;
      const due = created + target * 60_000;
      const running = open && metAt === null;
      const paused = running && status === 'pending_customer' && k === 'resolution';
      clocks.push({
        id: bulkId(created, 2 + clocks.length),
        case_id: id,
        kind: k,
        policy_id: pol.id,
        calendar_id: pol.calendarId,
        target_minutes: target,
        state: paused ? 'paused' : running ? 'running' : 'stopped',
        cycle: 1,
        elapsed_ms: paused ? Math.floor(target * 60_000 * r()) : 0,
        running_since: running && !paused ? iso(created) : null,
        warn_at: running && !paused ? iso(due - target * 60_000 * 0.25) : null,
        due_at: running && !paused ? iso(due) : null,
        started_at: iso(created),
        met_at: metAt !== null ? iso(metAt) : null,
        breached_at: (metAt ?? now) > due && !paused ? iso(due) : null,
        updated_at: iso(metAt ?? created),
      });
    };
    clock('first_response', pol.fr, status === 'new' ? null : handled < now ? handled : null);
    clock('resolution', pol.res, resolvedAt);
    const sla = columnsOf(pol.id, clocks as Parameters<typeof columnsOf>[1]);

    const row: Row = {
      id,
      reference: `CS-${String(centre.referenceBase + i + 1).padStart(6, '0')}`,
      type: kind.type,
      category_id: centre.categories.get(kind.cat) ?? null,
      criticality: critical ? 'highly_critical' : 'not_highly_critical',
      priority,
      status,
      subject,
      description: `Customer called: ${subject.toLowerCase()}. ${sentence(r)}${r() < 0.3 ? ` ${sentence(r)}` : ''}`,
      customer_id: customerId,
      assignee_id: assignee,
      team_id: r() < 0.9 ? centre.teamId : null,
      department_id: toDept,
      created_by: creator,
      created_at: iso(created),
      updated_at: iso(lastAt),
      resolved_at: resolvedAt !== null ? iso(resolvedAt) : null,
      closed_at: closedAt !== null ? iso(closedAt) : null,
      resolution_summary: open ? null : 'Explained and actioned as agreed with the customer.',
      customer_confirmed: open ? null : r() < 0.85,
      version: open ? 1 + Math.floor(r() * 3) : 3 + Math.floor(r() * 3),
      ...sla,
    };
    // The queue columns, as the cases module computes them (added by migration; kept only if present).
    if (caseDerived)
      Object.assign(row, caseDerived({ status, priority, criticality: row.criticality as string }));

    const channel = p([
      'phone',
      'phone',
      'phone',
      'phone',
      'phone',
      'phone',
      'email',
      'email',
      'chat',
      'walk_in',
    ]);
    await add('contacts', {
      id: contactId,
      channel,
      direction: 'inbound',
      customer_id: customerId,
      officer_id: creator,
      started_at: iso(created - 60_000 - Math.floor(r() * 600_000)),
      ended_at: iso(created + 60_000 + Math.floor(r() * 600_000)),
      notes: r() < 0.5 ? 'Enquiry logged.' : null,
      from_address: channel === 'email' ? `caller${i}@example.com` : null,
      created_at: iso(created - 60_000),
      updated_at: iso(created + 60_000),
    });
    await add('contact_cases', { contact_id: contactId, case_id: id, created_at: iso(created) });
    await add('cases', row);
    await add('case_events', {
      id: bulkId(created, 5),
      case_id: id,
      at: iso(created),
      actor_id: creator,
      kind: 'case.created',
      data: JSON.stringify({ contactId, status: assignee || !toDept ? 'open' : 'new', type: kind.type }),
    });
    for (const c of clocks) await add('sla_clocks', c);
    if (toDept) {
      await add('referrals', {
        id: bulkId(created + 1000, 6),
        case_id: id,
        mode: 'transfer',
        department_id: toDept,
        party_name: centre.departments.find((d) => d.id === toDept)?.name ?? null,
        contact_number_given: null,
        reason: p([
          'Billing adjustment needed',
          'Network fault check',
          'Needs the department to act',
          'Follow-up',
        ]),
        urgent: critical,
        created_by: creator,
        created_at: iso(created + 1000),
      });
    }
    // Notes and replies, between creation and the last update: on average notesPerCase each.
    const nNotes = Math.floor(r() * (2 * notesPerCase + 1));
    for (let k = 0; k < nNotes; k++) {
      const at = created + Math.floor(((k + 1) / (nNotes + 1)) * Math.max(60_000, lastAt - created));
      const visibility = r() < 0.35 ? 'public' : 'internal';
      let body = sentence(r);
      if (r() < 0.5) body += ` ${sentence(r)}`;
      // About one note in 60 carries a rare word (each rare word lands in ~10 notes at 1m).
      if (r() < 1 / 60) body += ` Reference word ${rareWord(Math.floor(r() * RARE_WORDS))}.`;
      await add('case_notes', {
        id: bulkId(at, 16 + k),
        case_id: id,
        author_id: assignee ?? creator,
        visibility,
        body,
        contact_id: null,
        created_at: iso(at),
      });
    }
    if ((i + 1) % 50_000 === 0) {
      await sink.commitAndBegin();
      info(`  ${t.label}: cases ${(i + 1).toLocaleString('en')}`);
    }
  }
  // The next case created through the app follows on.
  await sink.exec(`UPDATE counters SET value = ${centre.referenceBase + n.cases} WHERE name = 'case'`);
  // PostgreSQL may take references from a sequence instead (setval is strict: a no-op without one).
  if (t.dialect === 'postgres')
    await sink.exec(`SELECT setval(to_regclass('case_reference_seq'), ${centre.referenceBase + n.cases})`);
  await sink.flushAll();
  info(`  ${t.label}: rebuilding indexes`);
  await sink.rebuildIndexes();
  for (const [table, cols] of sink.unfilled())
    info(`  ${t.label}: ${table} columns not generated (left to their defaults): ${cols.join(', ')}`);
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Cache and orchestration.

interface Meta {
  size: string;
  version: string;
  generation_ms: string;
}

async function readMeta(t: VolumeTarget): Promise<Meta | null> {
  if (t.dialect === 'sqlite') {
    if (!fs.existsSync(t.sqliteFile!)) return null;
    const db = new DatabaseSync(t.sqliteFile!, { readOnly: true });
    try {
      const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'bench_volume'").get();
      if (!has) return null;
      const rows = db.prepare('SELECT key, value FROM bench_volume').all() as {
        key: string;
        value: string;
      }[];
      return Object.fromEntries(rows.map((x) => [x.key, x.value])) as unknown as Meta;
    } finally {
      db.close();
    }
  }
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    const dbName = new URL(t.databaseUrl!).pathname.slice(1);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (!exists.rowCount) return null;
  } finally {
    await admin.end();
  }
  const c = new pg.Client({ connectionString: t.databaseUrl });
  await c.connect();
  try {
    const has = await c.query("SELECT to_regclass('bench_volume') AS t");
    if (!has.rows[0].t) return null;
    const rows = await c.query<{ key: string; value: string }>('SELECT key, value FROM bench_volume');
    return Object.fromEntries(rows.rows.map((x) => [x.key, x.value])) as unknown as Meta;
  } finally {
    await c.end();
  }
}

async function reset(t: VolumeTarget): Promise<void> {
  fs.mkdirSync(t.dataDir, { recursive: true });
  if (t.dialect === 'sqlite') {
    for (const f of [t.sqliteFile!, `${t.sqliteFile}-wal`, `${t.sqliteFile}-shm`])
      fs.rmSync(f, { force: true });
    return;
  }
  const dbName = new URL(t.databaseUrl!).pathname.slice(1);
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${dbName}"`);
  } finally {
    await admin.end();
  }
}

export interface Volume {
  target: VolumeTarget;
  reused: boolean;
  /** How long generating it took (this run, or when it was generated). */
  generationMs: number;
  counts?: Record<string, number>;
}

/** The database for this dialect and size: reused when complete, generated otherwise; then migrated. */
export async function ensureVolume(
  dialect: Dialect,
  size: Size,
  opts: { force?: boolean } = {},
): Promise<Volume> {
  const t = volumeTarget(dialect, size);
  const meta = opts.force ? null : await readMeta(t);
  let result: Volume;
  if (meta && meta.size === size && meta.version === GENERATOR_VERSION) {
    info(
      `${t.label}: reusing ${t.sqliteFile ?? t.databaseUrl} (generated in ${seconds(Number(meta.generation_ms))})`,
    );
    result = { target: t, reused: true, generationMs: Number(meta.generation_ms) };
  } else {
    info(`${t.label}: generating ${t.sqliteFile ?? t.databaseUrl}`);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await reset(t);
    const now = Date.now();
    {
      // Schema and the demo centre through the app itself, as `frontline seed` does.
      const store = await openTarget(t);
      await migrateToLatest(store);
      const config = loadConfig({ FRONTLINE_DATA_DIR: t.dataDir, LOG_LEVEL: 'silent' });
      const ctx: Ctx = { store, clock: systemClock, config };
      await seedDemo(ctx, { password: VOLUME_PASSWORD });
      await store.close();
    }
    const seededMs = performance.now() - t0;
    info(`  ${t.label}: schema and demo seed ${seconds(seededMs)}`);
    const centre = await readCentre(t);
    const sink: Sink =
      dialect === 'sqlite' ? new SqliteSink(t.sqliteFile!) : await PgSink.open(t.databaseUrl!);
    const counts = await generate(sink, t, centre, now);
    await sink.exec('CREATE TABLE bench_volume (key text PRIMARY KEY, value text NOT NULL)');
    await sink.close();
    if (dialect === 'postgres') {
      // What autovacuum would do shortly after a load this size; the measured plans need statistics.
      const c = new pg.Client({ connectionString: t.databaseUrl });
      await c.connect();
      await c.query('VACUUM ANALYZE');
      await c.end();
    }
    const generationMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    // The machine may be shared: this process's own CPU time says what the wall clock cannot.
    info(
      `  ${t.label}: generated in ${seconds(generationMs)} wall, ${seconds((cpu.user + cpu.system) / 1000)} CPU in this process`,
    );
    // Written last: a database without it is rebuilt, never measured half-made.
    const rows = { size, version: GENERATOR_VERSION, generation_ms: String(Math.round(generationMs)) };
    if (dialect === 'sqlite') {
      const db = new DatabaseSync(t.sqliteFile!);
      const ins = db.prepare('INSERT INTO bench_volume (key, value) VALUES (?, ?)');
      for (const [k, v] of Object.entries(rows)) ins.run(k, v);
      db.close();
    } else {
      const c = new pg.Client({ connectionString: t.databaseUrl });
      await c.connect();
      for (const [k, v] of Object.entries(rows))
        await c.query('INSERT INTO bench_volume (key, value) VALUES ($1, $2)', [k, v]);
      await c.end();
    }
    info(
      `  ${t.label}: rows ${Object.entries(counts)
        .map(([k, v]) => `${k}=${v.toLocaleString('en')}`)
        .join(' ')}`,
    );
    result = { target: t, reused: false, generationMs, counts };
  }
  // The app's migrations run on the generated database as they would on a real one — but without
  // the app's statement timeout (15 s): a migration rewriting every case can take longer than that
  // at this size (it is reported, then retried without it, so the benchmark can go on).
  const t1 = performance.now();
  try {
    await migrateWith(t, undefined);
  } catch (err) {
    info(
      `  ${t.label}: MIGRATION FAILED under the app's default timeouts after ${seconds(performance.now() - t1)}: ${err instanceof Error ? err.message : String(err)}; retrying without a statement timeout`,
    );
    await migrateWith(t, {
      connectTimeoutMs: 10_000,
      statementTimeoutMs: 0,
      queryTimeoutMs: 3_600_000,
      idleTimeoutMs: 10_000,
      healthTimeoutMs: 10_000,
    });
  }
  return result;
}

async function migrateWith(t: VolumeTarget, timeouts: DbTimeouts | undefined): Promise<void> {
  const store = await openDb({
    ...(t.dialect === 'sqlite' ? { sqliteFile: t.sqliteFile! } : { databaseUrl: t.databaseUrl! }),
    ...(timeouts ? { timeouts } : {}),
  });
  try {
    const t0 = performance.now();
    const ran = await migrateToLatest(store);
    if (ran.length)
      info(`  ${t.label}: migrations applied in ${seconds(performance.now() - t0)}: ${ran.join(', ')}`);
  } finally {
    await store.close();
  }
}

export async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export function parseVolumeArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: '200k' },
      db: { type: 'string', default: 'both' },
      force: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      plans: { type: 'boolean', default: true },
    },
    allowPositionals: false,
    allowNegative: true,
  });
  const sizes = values.size.split(',') as Size[];
  for (const s of sizes) if (!(s in SIZES)) throw new Error(`--size must be 200k, 1m or smoke, not ${s}`);
  const dbs: Dialect[] =
    values.db === 'both' ? ['sqlite', 'postgres'] : values.db === 'sqlite' ? ['sqlite'] : ['postgres'];
  if (!['both', 'sqlite', 'postgres'].includes(values.db))
    throw new Error('--db must be sqlite, postgres or both');
  return { sizes, dbs, force: values.force, quick: values.quick, plans: values.plans };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { sizes, dbs, force } = parseVolumeArgs(process.argv.slice(2));
  for (const size of sizes)
    for (const db of dbs) {
      if (db === 'postgres' && !(await pgReachable())) {
        info(`postgres: not reachable at ${PG_URL}, skipped`);
        continue;
      }
      const v = await ensureVolume(db, size, { force });
      process.stdout.write(
        `volume ${db} ${size} ${v.reused ? 'reused, generated earlier in' : 'generated in'} ${seconds(v.generationMs)}\n`,
      );
    }
}
