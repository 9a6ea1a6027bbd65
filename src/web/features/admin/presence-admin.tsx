import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { PresenceReasonDto, PresenceSettingsDto } from '../../../shared/contracts/presence.ts';
import { api } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';

/** One reason: renamed in place and saved with If-Match (a stale save is refused), switched off or on. */
function ReasonRow({ r, reload }: { r: PresenceReasonDto; reload: () => Promise<void> }) {
  const t = useT();
  const [name, setName] = useState(r.name);
  const [error, setError] = useState<unknown>(null);
  const patch = async (body: Partial<PresenceReasonDto>) => {
    setError(null);
    try {
      await api('PATCH', `/presence/reasons/${r.id}`, body, { headers: { 'If-Match': `"${r.version}"` } });
      await reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <li data-reason={r.id}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void patch({ name });
        }}
      >
        <label>
          <span className="sr-only">{t('presence.admin.reasonName')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} />
        </label>{' '}
        <button type="submit" disabled={name.trim() === r.name}>
          {t('presence.admin.rename')}
        </button>{' '}
        <button type="button" onClick={() => void patch({ active: !r.active })}>
          {r.active ? t('presence.admin.switchOff') : t('presence.admin.switchOn')}
        </button>{' '}
        {!r.active && <small className="muted">{t('presence.admin.off')}</small>}
      </form>
      {error ? (
        <p role="alert">
          <ProblemText error={error} />
        </p>
      ) : null}
    </li>
  );
}

/** Administration → Presence: the break reasons and the after-contact-work limit. */
export function PresenceAdmin() {
  const t = useT();
  const [reasons, setReasons] = useState<PresenceReasonDto[]>([]);
  const [acw, setAcw] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const reload = useCallback(async () => {
    setReasons((await api<{ items: PresenceReasonDto[] }>('GET', '/presence/reasons')).items);
  }, []);
  useEffect(() => {
    void reload();
    void api<PresenceSettingsDto>('GET', '/presence/settings').then((s) =>
      setAcw(String(s.afterContactWorkSeconds)),
    );
  }, [reload]);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', '/presence/reasons', { name });
      setName('');
      await reload();
    } catch (err) {
      setError(err);
    }
  };
  const saveAcw = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await api('PUT', '/presence/settings', { afterContactWorkSeconds: Number(acw) });
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="admin presence-admin">
      <h1>{t('presence.admin.title')}</h1>
      <form onSubmit={(e) => void saveAcw(e)}>
        <label>
          {t('presence.admin.acw')}{' '}
          <input
            id="acw-seconds"
            type="number"
            min={0}
            max={3600}
            value={acw}
            onChange={(e) => setAcw(e.target.value)}
            aria-describedby="acw-help"
          />
        </label>{' '}
        <button type="submit">{t('presence.admin.save')}</button>{' '}
        {saved && <span role="status">{t('presence.admin.saved')}</span>}
        <p id="acw-help" className="muted small">
          {t('presence.admin.acwHelp')}
        </p>
      </form>
      <h2>{t('presence.admin.reasons')}</h2>
      <ul className="presence-reasons">
        {reasons.map((r) => (
          <ReasonRow key={`${r.id}:${r.version}`} r={r} reload={reload} />
        ))}
      </ul>
      <form onSubmit={(e) => void add(e)}>
        <label>
          {t('presence.admin.newReason')}{' '}
          <input id="new-reason" value={name} onChange={(e) => setName(e.target.value)} maxLength={60} />
        </label>{' '}
        <button type="submit" disabled={!name.trim()}>
          {t('presence.admin.add')}
        </button>
      </form>
      {error ? (
        <p role="alert">
          <ProblemText error={error} />
        </p>
      ) : null}
    </div>
  );
}
