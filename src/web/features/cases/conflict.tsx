import type { CaseConflictDto } from '../../../shared/contracts/cases.ts';
import { ApiError } from '../../app/api.ts';
import type { ProblemDto } from '../../app/types.ts';
import { t, useT } from '../../i18n/index.ts';
import { clock, whenFull } from '../../ui/format.ts';

/** A write refused because the case changed since it was shown (412 request.precondition_failed). */
export const isConflict = (e: unknown): e is ApiError =>
  e instanceof ApiError && e.problem.code === 'request.precondition_failed';

const MINUTE = 60_000;

/** "just now", "5 minutes ago", "2 hours ago" — how long ago, in words. */
export function ago(iso: string, now = Date.now()): string {
  const ms = Math.max(0, now - Date.parse(iso));
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (ms < MINUTE) return t('format.justNow');
  if (ms < 60 * MINUTE) return rtf.format(-Math.round(ms / MINUTE), 'minute');
  if (ms < 24 * 60 * MINUTE) return rtf.format(-Math.round(ms / (60 * MINUTE)), 'hour');
  return rtf.format(-Math.round(ms / (24 * 60 * MINUTE)), 'day');
}

/**
 * Who changed the case and when, in the viewer's zone, and a way to reload: shown instead of
 * overwriting their change with a stale one.
 */
export function Conflict({ problem, onReload }: { problem: ProblemDto; onReload(): void }) {
  // The 412 carries these members; an older server may not, hence the fallbacks.
  const t = useT();
  const { changedBy: by, changedAt } = problem as ProblemDto & Partial<CaseConflictDto>;
  const at = typeof changedAt === 'string' ? changedAt : null;
  const who = by?.displayName || (by === null ? t('cases.conflict.rule') : t('cases.conflict.someone'));
  return (
    <div role="alert" className="warn conflict" data-testid="case-conflict">
      <p>
        {t('cases.conflict.by', { who })}
        {at && (
          <>
            {' '}
            {t('cases.conflict.at')}{' '}
            <time dateTime={at} title={whenFull(at)}>
              {clock(at)}
            </time>{' '}
            ({ago(at)})
          </>
        )}{' '}
        {t('cases.conflict.reload')}
      </p>
      <button type="button" onClick={onReload}>
        {t('cases.conflict.reloadButton')}
      </button>
    </div>
  );
}
