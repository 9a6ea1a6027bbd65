import { useCallback, useEffect, useState } from 'react';
import type { PresenceDto } from '../../../shared/contracts/presence.ts';
import { api } from '../../app/api.ts';
import { useInvalidation } from '../../app/live.tsx';
import { useT } from '../../i18n/index.ts';
import { duration } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { useNow } from './use-presence.ts';
import './presence.css';

/**
 * Who in my team is in which state, since when and why, live: `presence.changed` in the team's
 * room re-fetches the list. Where team leaders already look (the queues' side column). A leader may
 * sign someone out (offline is the only state the server lets a leader set: coming back is the
 * officer's choice, so no work is offered to an empty desk); the change is audited.
 */
export function TeamPresence({ teamId }: { teamId: string }) {
  const t = useT();
  const now = useNow();
  const [items, setItems] = useState<PresenceDto[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setItems((await api<{ items: PresenceDto[] }>('GET', `/presence/team?teamId=${teamId}`)).items);
    } catch {
      setItems([]);
    }
  }, [teamId]);
  useEffect(() => {
    void load();
  }, [load]);
  const signOut = async (p: PresenceDto) => {
    setError(null);
    try {
      await api<PresenceDto>('PUT', `/presence/users/${p.userId}`, { state: 'offline' });
      await load();
    } catch (e) {
      setError(e);
    }
  };
  useInvalidation(`team:${teamId}`, (inv) => {
    if (inv.type === 'resync' || inv.type === 'presence.changed') void load();
  });
  return (
    <section className="team-presence" aria-labelledby="team-presence-title">
      <h2 id="team-presence-title">{t('presence.team.title')}</h2>
      {items && items.length === 0 && <p className="muted small">{t('presence.team.none')}</p>}
      <ul>
        {(items ?? []).map((p) => (
          <li key={p.userId} data-user={p.userId} className={`presence-${p.state}`}>
            <span className="name" data-i18n-skip>
              {p.displayName}
            </span>{' '}
            <span className="state">
              {p.state === 'break' && p.reasonName
                ? t('presence.breakReason', { reason: p.reasonName })
                : t(`presence.state.${p.state}`)}
            </span>{' '}
            <small className="muted">
              {p.state === 'offline' && p.setBy === 'leader' ? `${t('presence.team.byLeader')} · ` : ''}
              {t('presence.since', { d: duration(now - Date.parse(p.since)) })}
            </small>
            {p.state !== 'offline' && (
              <button
                type="button"
                className="presence-sign-out"
                aria-label={t('presence.team.signOut', { name: p.displayName })}
                title={t('presence.team.signOut', { name: p.displayName })}
                onClick={() => void signOut(p)}
              >
                {t('presence.team.signOutShort')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error ? (
        <p role="alert" className="small">
          <ProblemText error={error} />
        </p>
      ) : null}
    </section>
  );
}
