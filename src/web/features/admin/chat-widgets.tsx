import { useCallback, useEffect, useState } from 'react';
import type { ChatWidgetDto } from '../../../shared/contracts/chat.ts';
import { api } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';

type Team = { id: string; name: string };

/** The one tag a site adds, with the customer attributes a site that signs its customers in fills. */
const snippet = (id: string) =>
  `<script src="${window.location.origin}/widget.js" data-frontline-widget="${id}" async></script>\n` +
  `<!-- signed-in customer: data-customer-id="<id>" data-customer-hash="<HMAC-SHA256(secret, id), hex>" -->`;

/**
 * Administration → Chat widgets (#/admin/chat, channels.manage): each widget's team and the sites
 * allowed to embed it, on or off; a new widget's identity secret shown once, with its embed code.
 */
export function ChatWidgetsAdmin({ teams }: { teams: Team[] }) {
  const t = useT();
  const [items, setItems] = useState<ChatWidgetDto[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<{ id: string; secret: string } | null>(null);
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState('');
  const [origins, setOrigins] = useState('');
  const load = useCallback(async () => {
    setItems((await api<{ items: ChatWidgetDto[] }>('GET', '/chat-widgets')).items);
  }, []);
  useEffect(() => {
    void load().catch(setError);
  }, [load]);
  const act = async (fn: () => Promise<void>) => {
    setError(null);
    try {
      await fn();
      await load();
    } catch (e) {
      setError(e);
    }
  };
  const create = () =>
    act(async () => {
      const r = await api<{ widget: ChatWidgetDto; secret: string }>('POST', '/chat-widgets', {
        name,
        teamId,
        allowedOrigins: origins
          .split(/\s+/)
          .map((o) => o.trim())
          .filter(Boolean),
      });
      setSecret({ id: r.widget.id, secret: r.secret });
      setName('');
      setOrigins('');
    });
  const teamName = (id: string) => teams.find((x) => x.id === id)?.name ?? '—';
  return (
    <div className="admin chat-admin">
      <h1>{t('chatAdmin.title')}</h1>
      {error !== null && (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      )}
      {secret && (
        <section aria-label={t('chatAdmin.secret')}>
          <h2>{t('chatAdmin.secret')}</h2>
          <p>
            <code data-i18n-skip>{secret.secret}</code>
          </p>
          <p>{t('chatAdmin.secretHint')}</p>
          <h2>{t('chatAdmin.snippet')}</h2>
          <pre data-i18n-skip>{snippet(secret.id)}</pre>
        </section>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <h2>{t('chatAdmin.add')}</h2>
        <label>
          {t('chatAdmin.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <label>
          {t('chatAdmin.team')}
          <select value={teamId} onChange={(e) => setTeamId(e.target.value)} required>
            <option value="">—</option>
            {teams.map((x) => (
              <option key={x.id} value={x.id} data-i18n-skip>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('chatAdmin.origins')}
          <textarea
            value={origins}
            rows={2}
            onChange={(e) => setOrigins(e.target.value)}
            aria-describedby="chat-origins-hint"
          />
        </label>
        <small id="chat-origins-hint">{t('chatAdmin.originsHint')}</small>
        <button type="submit" className="primary">
          {t('chatAdmin.create')}
        </button>
      </form>
      <h2>{t('chatAdmin.list')}</h2>
      {items && items.length === 0 && <p>{t('chatAdmin.none')}</p>}
      <ul>
        {items?.map((w) => (
          <li key={w.id}>
            <strong data-i18n-skip>{w.name}</strong> · <span data-i18n-skip>{teamName(w.teamId)}</span> ·{' '}
            <span data-i18n-skip>{w.allowedOrigins.join(', ')}</span> ·{' '}
            {w.active ? t('chatAdmin.active') : t('chatAdmin.off')}{' '}
            <button
              type="button"
              onClick={() =>
                void act(
                  async () => void (await api('PATCH', `/chat-widgets/${w.id}`, { active: !w.active })),
                )
              }
            >
              {w.active ? t('chatAdmin.switchOff') : t('chatAdmin.switchOn')}
            </button>{' '}
            <button
              type="button"
              onClick={() =>
                void act(async () => {
                  const r = await api<{ secret: string }>('POST', `/chat-widgets/${w.id}/rotate-secret`);
                  setSecret({ id: w.id, secret: r.secret });
                })
              }
            >
              {t('chatAdmin.rotate')}
            </button>
            <pre data-i18n-skip>{snippet(w.id)}</pre>
          </li>
        ))}
      </ul>
    </div>
  );
}
