import { useState } from 'react';
import type { PresenceDto } from '../../../shared/contracts/presence.ts';
import { api } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import { clock, duration } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { useMyPresence, useNow, useReasons } from './use-presence.ts';
import './presence.css';

/**
 * The top bar's state: what I am and for how long, changed with a select (keyboard and mouse
 * alike). A break is chosen with its reason; on a contact and after-contact work are the system's,
 * shown but not offered.
 */
export function StateControl({ userId }: { userId: string }) {
  const t = useT();
  const { me, setMe } = useMyPresence(userId);
  const reasons = useReasons();
  const now = useNow();
  const [error, setError] = useState<unknown>(null);
  if (!me) return null;
  const value = me.state === 'break' ? `break:${me.reasonId}` : me.state;
  const choose = async (v: string) => {
    setError(null);
    const [state, reasonId] = v.split(':') as [PresenceDto['state'], string | undefined];
    try {
      setMe(await api<PresenceDto>('PUT', '/presence/me', reasonId ? { state, reasonId } : { state }));
    } catch (e) {
      setError(e);
    }
  };
  const systemState = me.state === 'on_contact' || me.state === 'after_contact_work';
  const shownReason = reasons.find((r) => r.id === me.reasonId);
  return (
    <span className={`presence-control presence-${me.state}`}>
      <label>
        <span className="sr-only">{t('presence.label')}</span>
        <select id="presence-state" value={value} onChange={(e) => void choose(e.target.value)}>
          {systemState && <option value={me.state}>{t(`presence.state.${me.state}`)}</option>}
          <option value="available">{t('presence.state.available')}</option>
          {me.state === 'break' && shownReason && !shownReason.active && (
            <option value={value}>{t('presence.breakReason', { reason: shownReason.name })}</option>
          )}
          {reasons
            .filter((r) => r.active)
            .map((r) => (
              <option key={r.id} value={`break:${r.id}`}>
                {t('presence.breakReason', { reason: r.name })}
              </option>
            ))}
          <option value="offline">{t('presence.state.offline')}</option>
        </select>
      </label>
      <small id="presence-since">
        {me.state === 'after_contact_work' && me.until
          ? t('presence.until', { t: clock(me.until) })
          : t('presence.since', { d: duration(now - Date.parse(me.since)) })}
      </small>
      {error ? (
        <span role="alert" className="presence-error">
          <ProblemText error={error} />
        </span>
      ) : null}
    </span>
  );
}
