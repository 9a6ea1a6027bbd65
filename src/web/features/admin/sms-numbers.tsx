import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { SmsEndpointDto } from '../../../shared/contracts/sms.ts';
import { ApiError, api } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import { when } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';

type Team = { id: string; name: string };
const EMPTY = {
  number: '',
  displayName: '',
  baseUrl: '',
  accountSid: '',
  authToken: '',
  teamId: '',
  active: true,
};
type Draft = typeof EMPTY;
const HEALTH_SIGN: Record<SmsEndpointDto['health'], string> = {
  ok: '●',
  unknown: '○',
  retryable: '▲',
  authentication: '■',
  permanent: '■',
};

/** The fields a refusal names (/body/number …), to mark them invalid beside the words. */
const failing = (error: unknown): Set<string> =>
  new Set(
    error instanceof ApiError ? (error.problem.errors ?? []).map((e) => e.field.replace('/body/', '')) : [],
  );

/** Add or change one number: an empty auth token on an edit keeps the one stored. */
function NumberForm({
  endpoint,
  teams,
  done,
}: {
  endpoint: SmsEndpointDto | null;
  teams: Team[];
  done: (saved: boolean) => Promise<void>;
}) {
  const t = useT();
  const [d, setD] = useState<Draft>(
    endpoint
      ? {
          number: endpoint.number,
          displayName: endpoint.displayName,
          baseUrl: endpoint.baseUrl,
          accountSid: endpoint.accountSid,
          authToken: '',
          teamId: endpoint.teamId ?? '',
          active: endpoint.active,
        }
      : EMPTY,
  );
  const [error, setError] = useState<unknown>(null);
  const bad = failing(error);
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  const field = (
    k: 'number' | 'displayName' | 'baseUrl' | 'accountSid' | 'authToken',
    label: string,
    type = 'text',
  ) => (
    <label>
      {label}
      <input type={type} value={d[k]} onChange={set(k)} aria-invalid={bad.has(k) || undefined} />
    </label>
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body = {
      number: d.number,
      displayName: d.displayName,
      baseUrl: d.baseUrl,
      accountSid: d.accountSid,
      ...(d.authToken || !endpoint ? { authToken: d.authToken } : {}),
      teamId: d.teamId || null,
      active: d.active,
    };
    try {
      if (endpoint)
        await api('PATCH', `/sms-endpoints/${endpoint.id}`, body, {
          headers: { 'If-Match': `"${endpoint.version}"` },
        });
      else await api('POST', '/sms-endpoints', body);
      await done(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="sms-form" onSubmit={(e) => void submit(e)}>
      {field('number', t('sms.admin.number'), 'tel')}
      {field('displayName', t('sms.admin.displayName'))}
      {field('baseUrl', t('sms.admin.baseUrl'), 'url')}
      {field('accountSid', t('sms.admin.accountSid'))}
      {field('authToken', endpoint ? t('sms.admin.authTokenKept') : t('sms.admin.authToken'), 'password')}
      <label>
        {t('sms.admin.team')}
        <select value={d.teamId} onChange={set('teamId')}>
          <option value="">{t('sms.admin.noTeam')}</option>
          {teams.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={d.active}
          onChange={(e) => setD({ ...d, active: e.target.checked })}
        />{' '}
        {t('sms.admin.active')}
      </label>
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
      <div className="row">
        <button type="submit">{t('sms.admin.save')}</button>
        <button type="button" onClick={() => void done(false)}>
          {t('sms.admin.cancel')}
        </button>
      </div>
    </form>
  );
}

/** One number: its health in words with a sign, what to give the provider, edit and remove (after a Yes). */
function NumberRow({ e, teams, reload }: { e: SmsEndpointDto; teams: Team[]; reload: () => Promise<void> }) {
  const t = useT();
  const [mode, setMode] = useState<'view' | 'edit' | 'remove'>('view');
  const [error, setError] = useState<unknown>(null);
  const remove = async () => {
    try {
      await api('DELETE', `/sms-endpoints/${e.id}`);
      await reload();
    } catch (err) {
      setError(err);
    }
  };
  if (mode === 'edit')
    return (
      <li>
        <NumberForm
          endpoint={e}
          teams={teams}
          done={async (saved) => {
            if (saved) await reload();
            setMode('view');
          }}
        />
      </li>
    );
  return (
    <li data-number={e.number}>
      <p>
        <strong data-i18n-skip>{e.number}</strong> <span data-i18n-skip>{e.displayName}</span> ·{' '}
        <span className={`health ${e.health}`}>
          <span aria-hidden="true">{HEALTH_SIGN[e.health]}</span> {t(`sms.admin.state.${e.health}`)}
        </span>
        {!e.active && <small className="muted"> · {t('sms.admin.off')}</small>}
      </p>
      {e.lastError && e.lastErrorAt && (
        <p className="small muted">
          {t('sms.admin.lastError', { when: when(e.lastErrorAt), error: e.lastError })}
        </p>
      )}
      <p className="small muted">
        {t('sms.admin.webhook', { inbound: e.inboundPath, status: e.statusPath })}
      </p>
      {mode === 'remove' ? (
        <p className="row">
          {t('sms.admin.removeAsk', { number: e.number })}{' '}
          <button type="button" onClick={() => void remove()}>
            {t('sms.admin.yes')}
          </button>
          <button type="button" onClick={() => setMode('view')}>
            {t('sms.admin.cancel')}
          </button>
        </p>
      ) : (
        <p className="row">
          <button type="button" onClick={() => setMode('edit')}>
            {t('sms.admin.edit')}
          </button>
          <button type="button" onClick={() => setMode('remove')}>
            {t('sms.admin.remove')}
          </button>
        </p>
      )}
      {error ? (
        <p role="alert">
          <ProblemText error={error} />
        </p>
      ) : null}
    </li>
  );
}

/**
 * Administration → SMS numbers (`#/admin/sms`, administrators: channels.manage): the numbers
 * customers text, each with its health and the paths to give the provider; added, changed and
 * removed here (the auth token is write-only).
 */
export function SmsNumbersAdmin({ teams }: { teams: Team[] }) {
  const t = useT();
  const [items, setItems] = useState<SmsEndpointDto[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      setItems((await api<{ items: SmsEndpointDto[] }>('GET', '/sms-endpoints')).items);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return (
    <div className="admin sms-admin">
      <h1>{t('sms.admin.title')}</h1>
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
      {items && items.length === 0 && <p className="muted">{t('sms.admin.none')}</p>}
      <ul className="plain">
        {(items ?? []).map((e) => (
          <NumberRow key={`${e.id}:${e.version}`} e={e} teams={teams} reload={reload} />
        ))}
      </ul>
      {adding ? (
        <NumberForm
          endpoint={null}
          teams={teams}
          done={async (saved) => {
            if (saved) await reload();
            setAdding(false);
          }}
        />
      ) : (
        <button type="button" onClick={() => setAdding(true)}>
          {t('sms.admin.add')}
        </button>
      )}
    </div>
  );
}
