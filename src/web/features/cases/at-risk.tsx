import { useCallback, useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import { useLive } from '../../app/live.tsx';
import type { CaseDto, Page, UserDto } from '../../app/types.ts';
import { term, useT } from '../../i18n/index.ts';
import { SlaBadge } from './sla-badge.tsx';

type Counts = { dueSoon: number; breached: number };

/**
 * For team leaders and supervisors: every open case whose clock is amber or red, soonest due first;
 * live. A leader with a team starts on their team's cases (theirs to act on) and can widen to all.
 */
export function AtRisk({ user }: { user: UserDto }) {
  const t = useT();
  const { version } = useLive();
  const [items, setItems] = useState<CaseDto[] | null>(null);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [scope, setScope] = useState<'team' | 'all'>(
    user.teamId && user.role === 'team_leader' ? 'team' : 'all',
  );
  const load = useCallback(async () => {
    const team: Record<string, string> = scope === 'team' && user.teamId ? { teamId: user.teamId } : {};
    const list = new URLSearchParams({ sla: 'at_risk', sort: 'due', limit: '200', ...team });
    const [p, c] = await Promise.all([
      api<Page<CaseDto>>('GET', `/cases?${list}`),
      api<Counts>('GET', `/cases/counts?${new URLSearchParams(team)}`),
    ]);
    setItems(p.items);
    setCounts(c);
  }, [scope, user.teamId]);
  // Reload on every pushed notification (a breach, an escalation) and every 30 s for amber turns.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the trigger, not an input
  useEffect(() => {
    void load();
  }, [load, version]);
  useEffect(() => {
    const t = setInterval(() => void load(), 30_000);
    return () => clearInterval(t);
  }, [load]);
  return (
    <section>
      <h1>{t('atRisk.title')}</h1>
      <div className="row">
        {counts && (
          <p role="status" data-testid="risk-counts">
            {t('atRisk.counts', { breached: counts.breached, dueSoon: counts.dueSoon })}
          </p>
        )}
        {user.teamId && (
          <label>
            {t('atRisk.show')}
            <select value={scope} onChange={(e) => setScope(e.target.value === 'team' ? 'team' : 'all')}>
              <option value="team">{t('atRisk.myTeam')}</option>
              <option value="all">{t('atRisk.allTeams')}</option>
            </select>
          </label>
        )}
        <button type="button" className="secondary" onClick={() => void load()}>
          {t('common.refresh')}
        </button>
      </div>
      {items === null ? (
        <p>{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('atRisk.none')}</p>
      ) : (
        <table aria-label={t('atRisk.table')}>
          <thead>
            <tr>
              <th scope="col">{t('atRisk.col.sla')}</th>
              <th scope="col">{t('atRisk.col.reference')}</th>
              <th scope="col">{t('atRisk.col.subject')}</th>
              <th scope="col">{t('atRisk.col.priority')}</th>
              <th scope="col">{t('atRisk.col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-case={c.reference}>
                <td>
                  <SlaBadge c={c} />
                </td>
                <td>
                  <a href={`#/cases/${c.id}`}>{c.reference}</a>
                </td>
                <td data-i18n-skip>{c.subject}</td>
                <td>{term('priority', c.priority)}</td>
                <td>{term('status', c.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
