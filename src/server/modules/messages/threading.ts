import type { Executor } from '../../platform/db/index.ts';

/**
 * Which case an inbound message continues (issue 13, point 4), in order of certainty:
 *  1. its In-Reply-To / References name a Message-ID sent or received on a case — any of them, so a
 *     reply to the customer's own sent copy, a reply-all from someone copied, or a reply to an
 *     acknowledgement all land on the case;
 *  2. its subject carries a case reference (`[CS-000123]`, `CS-000123`) — headers stripped by a
 *     forward or a webmail still thread;
 *  3. (per mailbox) the same sender wrote with the same subject, less its Re:/Fwd: prefixes and
 *     reference tags, within a window, on a case still open.
 * A case merged into another threads to the one kept.
 */
export type ThreadMatch = { caseId: string; by: 'headers' | 'reference' | 'subject' } | null;

/** Reply and forward prefixes in the languages mail clients actually write them. */
const PREFIX =
  /^\s*((re|fw|fwd|aw|wg|sv|vs|tr|rv|r|antw|odp|res|enc|fs|ynt|答复|回复|转发)\s*(\[\d+\])?\s*[:：]\s*)+/i;
const REFERENCE = /\bCS-(\d{6,12})\b/i;

/** The subject as a thread knows it: no Re:/Fwd: chain, no [CS-…] tag, spaces collapsed, lower case. */
export function normaliseSubject(subject: string | null): string {
  let s = (subject ?? '').replace(/\[\s*CS-\d{6,12}\s*\]/gi, ' ');
  for (let i = 0; i < 10; i++) {
    const next = s.replace(PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The case reference a subject carries, as stored (`CS-000123`). */
export function referenceInSubject(subject: string | null): string | null {
  const m = REFERENCE.exec(subject ?? '');
  return m ? `CS-${m[1]!.padStart(6, '0')}` : null;
}

/** Follow merges to the case that was kept (a chain of merges is followed, at most a few links). */
async function kept(trx: Executor, caseId: string): Promise<string | null> {
  let id = caseId;
  for (let i = 0; i < 5; i++) {
    const c = await trx
      .selectFrom('cases')
      .select(['id', 'merged_into_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!c) return null;
    if (!c.merged_into_id) return c.id;
    id = c.merged_into_id;
  }
  return id;
}

export interface ThreadQuery {
  channel: string;
  /** In-Reply-To first, then References newest first: the closest ancestor wins. */
  ancestors: string[];
  subject: string | null;
  fromAddress: string | null;
  /** Sender-and-subject threading: off when null. */
  subjectWindowDays: number | null;
  now: string;
}

export async function findThread(trx: Executor, q: ThreadQuery): Promise<ThreadMatch> {
  if (q.ancestors.length) {
    const rows = await trx
      .selectFrom('messages')
      .select(['case_id', 'source_key'])
      .where('channel', '=', q.channel)
      .where('source_key', 'in', q.ancestors.slice(0, 100))
      .execute();
    for (const id of q.ancestors) {
      const hit = rows.find((r) => r.source_key === id);
      if (hit) {
        const caseId = await kept(trx, hit.case_id);
        if (caseId) return { caseId, by: 'headers' };
      }
    }
  }
  const reference = referenceInSubject(q.subject);
  if (reference) {
    const c = await trx
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirst();
    const caseId = c ? await kept(trx, c.id) : null;
    if (caseId) return { caseId, by: 'reference' };
  }
  const subject = normaliseSubject(q.subject);
  if (q.subjectWindowDays !== null && q.fromAddress && subject.length >= 4) {
    const since = new Date(Date.parse(q.now) - q.subjectWindowDays * 86_400_000).toISOString();
    const rows = await trx
      .selectFrom('messages as m')
      .innerJoin('cases as c', 'c.id', 'm.case_id')
      .select(['m.case_id', 'm.subject'])
      .where('m.from_address', '=', q.fromAddress)
      .where('m.channel', '=', q.channel)
      .where('m.created_at', '>=', since)
      .where('c.is_open', '=', 1)
      .orderBy('m.created_at', 'desc')
      .limit(50)
      .execute();
    const hit = rows.find((r) => normaliseSubject(r.subject) === subject);
    if (hit) {
      const caseId = await kept(trx, hit.case_id);
      if (caseId) return { caseId, by: 'subject' };
    }
  }
  return null;
}
