import { type FormEvent, useState } from 'react';
import type { SmsEndpointDto } from '../../../shared/contracts/sms.ts';
import { ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useT } from '../../i18n/index.ts';
import { when } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { HealthBadge } from './admin-list.tsx';
import { AdminScreen, useAdminScreen } from './admin-screen.tsx';
import './webhooks.css';
import { usePhoneWords } from '../../ui/phone.ts';

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
/** The list refreshes on its own this often, so a number's health is current at a glance. */
const HEALTH_REFRESH_MS = 30_000;

/** The fields a refusal names (/body/number …), to mark them invalid beside the words. */
const failing = (error: unknown): Set<string> =>
  new Set(
    error instanceof ApiError ? (error.problem.errors ?? []).map((e) => e.field.replace('/body/', '')) : [],
  );

/** Add or change one number: an empty auth token on an edit keeps the one stored; remove after a Yes. */
function NumberEditor({
  endpoint,
  teams,
  reload,
  say,
}: {
  endpoint: SmsEndpointDto | null;
  teams: Team[];
  reload(): Promise<void>;
  say(path: string, text: string): void;
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
  const [removing, setRemoving] = useState(false);
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
      const out = endpoint
        ? await api<SmsEndpointDto>('PATCH', `/sms-endpoints/${endpoint.id}`, body, {
            headers: { 'If-Match': `"${endpoint.version}"` },
          })
        : await api<SmsEndpointDto>('POST', '/sms-endpoints', body);
      setD({ ...d, number: out.number, authToken: '' });
      await reload();
      say(`/admin/sms/${out.id}`, t('sms.admin.saved', { number: out.number }));
      if (!endpoint) go(`/admin/sms/${out.id}`);
    } catch (err) {
      setError(err);
    }
  };
  const remove = async () => {
    if (!endpoint) return;
    try {
      await api('DELETE', `/sms-endpoints/${endpoint.id}`);
      await reload();
      go('/admin/sms');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      {endpoint && (
        <div className="health-panel">
          <NumberHealth e={endpoint} />
          {endpoint.lastError && endpoint.lastErrorAt && (
            <span className="muted">
              {t('sms.admin.lastError', { when: when(endpoint.lastErrorAt), error: endpoint.lastError })}
            </span>
          )}
        </div>
      )}
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
              <option key={x.id} value={x.id} data-i18n-skip>
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
          <button type="button" className="secondary" onClick={() => go('/admin/sms')}>
            {t('sms.admin.cancel')}
          </button>
          {endpoint && !removing && (
            <button type="button" className="secondary" onClick={() => setRemoving(true)}>
              {t('sms.admin.remove')}
            </button>
          )}
        </div>
      </form>
      {endpoint && removing && (
        <div className="confirm">
          <p>{t('sms.admin.removeAsk', { number: endpoint.number })}</p>
          <button type="button" className="danger" onClick={() => void remove()}>
            {t('sms.admin.yes')}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setRemoving(false)}>
            {t('sms.admin.cancel')}
          </button>
        </div>
      )}
    </>
  );
}

/** A number's health in words with a sign, then colour. */
function NumberHealth({ e }: { e: SmsEndpointDto }) {
  const t = useT();
  return <HealthBadge look={e.health} of={t('sms.admin.health')} words={t(`sms.admin.state.${e.health}`)} />;
}

/**
 * Administration → SMS numbers (`#/admin/sms/<id|new>`, administrators: channels.manage): the
 * numbers customers text, each with its health and the paths to give the provider, and one
 * number's settings beside the list (the auth token is write-only).
 */
export function SmsNumbersAdmin({ teams }: { teams: Team[] }) {
  const t = useT();
  const phone = usePhoneWords();
  const screen = useAdminScreen<SmsEndpointDto>(
    '/admin/sms',
    '/sms-endpoints',
    'sms-notice',
    HEALTH_REFRESH_MS,
  );
  return (
    <AdminScreen
      screen={screen}
      className="sms-admin"
      words="sms.admin"
      entry={(e) => ({
        title: phone(e.number),
        active: e.active,
        data: { 'data-number': e.number },
        lines: (
          <>
            <NumberHealth e={e} />
            <span className="muted">
              <span data-i18n-skip>{e.displayName}</span>
              {!e.active && <> · {t('sms.admin.off')}</>}
            </span>
            <span className="muted">
              {t('sms.admin.webhook', { inbound: e.inboundPath, status: e.statusPath })}
            </span>
          </>
        ),
      })}
      editor={(e) => <NumberEditor endpoint={e} teams={teams} reload={screen.load} say={screen.notice.say} />}
    />
  );
}
