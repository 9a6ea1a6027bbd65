import { useCallback, useEffect, useState } from 'react';
import type { RoutingQueueStateDto } from '../../../shared/contracts/routing.ts';
import { can } from '../../../shared/permissions.ts';
import { api } from '../../app/api.ts';
import { useInvalidation } from '../../app/live.tsx';
import type { UserDto } from '../../app/types.ts';
import { useTeams } from '../../app/use-directory.ts';
import { useT } from '../../i18n/index.ts';
import { languageName, seconds } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { useNow } from '../presence/use-presence.ts';
import './routing.css';

/** The default queue sends no live messages (it has no team room): it is looked at again this often. */
const DEFAULT_QUEUE_POLL_MS = 15_000;

/**
 * A team's routing queue, live (`routing.queue_changed` in the team's room): waiting and offered
 * items in the order they are served, with position, wait, expected wait, channel, the language
 * and skills asked for and who it is offered to. A team leader sees their own team; supervisors
 * and administrators pick one.
 */
export function QueueScreen({ user }: { user: UserDto }) {
  const t = useT();
  const teams = useTeams();
  const picks = user.role !== 'team_leader';
  const [teamId, setTeamId] = useState<string>(user.teamId ?? '');
  const [state, setState] = useState<RoutingQueueStateDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const now = useNow(1000);
  const load = useCallback(async () => {
    try {
      setState(await api<RoutingQueueStateDto>('GET', `/routing/queue${teamId ? `?teamId=${teamId}` : ''}`));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [teamId]);
  useEffect(() => {
    void load();
    if (teamId) return;
    const id = setInterval(() => void load(), DEFAULT_QUEUE_POLL_MS);
    return () => clearInterval(id);
  }, [load, teamId]);
  useInvalidation(teamId ? `team:${teamId}` : null, (inv) => {
    if (inv.type === 'resync' || inv.type === 'routing.queue_changed') void load();
  });
  const q = state?.queue;
  const items = state?.items ?? [];
  return (
    <div className="routing-queue">
      <header>
        <h1 id="routing-queue-title">{t('routing.queue.title')}</h1>
        {picks ? (
          <span className="team-pick">
            <label htmlFor="routing-team">{t('routing.queue.team')}</label>
            <select id="routing-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
              {!user.teamId && <option value="">{t('routing.queue.defaultQueue')}</option>}
              {teams.map((tm) => (
                <option key={tm.id} value={tm.id} data-i18n-skip>
                  {tm.name}
                </option>
              ))}
            </select>
          </span>
        ) : (
          q && <strong data-i18n-skip>{q.name}</strong>
        )}
        {q && (
          <span className="muted">
            {t(q.open ? 'routing.queue.open' : 'routing.queue.closed')} ·{' '}
            {t('routing.queue.strategyIs', { strategy: t(`routing.strategy.${q.strategy}`) })}
            {q.emailPull ? ` · ${t('routing.queue.pullOn')}` : ''} ·{' '}
            <span id="routing-count">{t('routing.queue.count', { count: items.length })}</span>
          </span>
        )}
        {can(user.role, 'routing.manage') && <a href="#/admin/routing">{t('routing.links.settings')}</a>}
      </header>
      {error ? (
        <p role="alert">
          <ProblemText error={error} />
        </p>
      ) : null}
      {state && items.length === 0 && <p className="muted">{t('routing.queue.empty')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-labelledby="routing-queue-title">
            <thead>
              <tr>
                <th scope="col">{t('routing.queue.position')}</th>
                <th scope="col">{t('routing.queue.case')}</th>
                <th scope="col">{t('routing.queue.channel')}</th>
                <th scope="col">{t('routing.queue.asks')}</th>
                <th scope="col">{t('routing.queue.waited')}</th>
                <th scope="col">{t('routing.queue.expected')}</th>
                <th scope="col">{t('routing.queue.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id} data-case={i.caseId} className={i.state}>
                  <td className="num">{i.position}</td>
                  <td>
                    <a href={`#/cases/${i.caseId}`}>{i.caseReference}</a>{' '}
                    <span data-i18n-skip>{i.subject}</span>
                  </td>
                  <td>{t(`routing.channel.${i.channel}`)}</td>
                  <td>
                    {i.language || i.skills.length
                      ? [
                          ...(i.language ? [languageName(i.language)] : []),
                          ...i.skills.map((s) => t('routing.queue.skill', { name: s.name, min: s.min })),
                        ].join(', ')
                      : t('routing.queue.anyone')}
                  </td>
                  <td className="num">
                    {seconds(Math.max(0, Math.floor((now - Date.parse(i.enqueuedAt)) / 1000)))}
                  </td>
                  <td className="num">
                    {i.state === 'offered' ? t('common.dash') : seconds(i.expectedWaitSeconds)}
                  </td>
                  <td>
                    {i.state === 'offered'
                      ? t('routing.queue.offeredTo', { name: i.offeredTo ?? t('common.dash') })
                      : t('routing.queue.waiting')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
