import { useCallback, useEffect, useState } from 'react';
import type { PresenceDto } from '../../../shared/contracts/presence.ts';
import { api } from '../../app/api.ts';
import { useInvalidation } from '../../app/live.tsx';
import { useT } from '../../i18n/index.ts';
import { duration } from '../../ui/format.ts';
import { useNow } from './use-presence.ts';
import './presence.css';

/**
 * Who in my team is in which state, since when and why, live: `presence.changed` in the team's
 * room re-fetches the list. Where team leaders already look (the queues' side column).
 */
export function TeamPresence({ teamId }: { teamId: string }) {
  const t = useT();
  const now = useNow();
  const [items, setItems] = useState<PresenceDto[] | null>(null);
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
            <small className="muted">{t('presence.since', { d: duration(now - Date.parse(p.since)) })}</small>
          </li>
        ))}
      </ul>
    </section>
  );
}
