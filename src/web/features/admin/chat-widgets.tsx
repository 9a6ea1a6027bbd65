import { useEffect, useState } from 'react';
import type { ChatWidgetDto } from '../../../shared/contracts/chat.ts';
import { api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { AdminScreen, useAdminScreen } from './admin-screen.tsx';

type Team = { id: string; name: string };
/** A widget's identity secret, shown on its page once, just after it was made. */
type Revealed = { id: string; secret: string };

/** The one tag a site adds, with the customer attributes a site that signs its customers in fills. */
const snippet = (id: string) =>
  `<script src="${window.location.origin}/widget.js" data-frontline-widget="${id}" async></script>\n` +
  `<!-- signed-in customer: data-customer-id="<id>" data-customer-hash="<HMAC-SHA256(secret, id), hex>" -->`;

/**
 * Administration → Chat widgets (`#/admin/chat/<id|new>`, channels.manage): the widgets with their
 * team and the sites allowed to embed them, and one widget beside the list — on or off, a new
 * secret, its embed code; a new widget's identity secret shown once, with its embed code.
 */
export function ChatWidgetsAdmin({ teams }: { teams: Team[] }) {
  const t = useT();
  const screen = useAdminScreen<ChatWidgetDto>('/admin/chat', '/chat-widgets', 'chat-notice');
  const { id, load } = screen;
  // Kept in memory for the widget's page only, never in the address; forgotten on leaving it.
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  useEffect(() => {
    setRevealed((r) => (r && r.id !== id ? null : r));
  }, [id]);
  const teamName = (teamId: string) => teams.find((x) => x.id === teamId)?.name ?? '—';
  return (
    <AdminScreen
      screen={screen}
      className="chat-admin"
      words="chatAdmin"
      entry={(w) => ({
        title: w.name,
        active: w.active,
        data: { 'data-widget': w.id },
        lines: (
          <>
            <span className="muted">
              <span data-i18n-skip>{teamName(w.teamId)}</span> ·{' '}
              {w.active ? t('chatAdmin.active') : t('chatAdmin.off')}
            </span>
            <span className="muted" data-i18n-skip>
              {w.allowedOrigins.join(', ')}
            </span>
          </>
        ),
      })}
      editor={(w) =>
        w ? (
          <Widget
            w={w}
            teamName={teamName(w.teamId)}
            revealed={revealed?.id === w.id ? revealed : null}
            onReveal={setRevealed}
            reload={load}
            say={screen.notice.say}
          />
        ) : (
          <NewWidget teams={teams} reload={load} onCreated={setRevealed} />
        )
      }
    />
  );
}

/** A new widget: its name, its team and the sites allowed to embed it. */
function NewWidget({
  teams,
  reload,
  onCreated,
}: {
  teams: Team[];
  reload(): Promise<void>;
  onCreated(r: Revealed): void;
}) {
  const t = useT();
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState('');
  const [origins, setOrigins] = useState('');
  const [error, setError] = useState<unknown>(null);
  const create = async () => {
    setError(null);
    try {
      const r = await api<{ widget: ChatWidgetDto; secret: string }>('POST', '/chat-widgets', {
        name,
        teamId,
        allowedOrigins: origins
          .split(/\s+/)
          .map((o) => o.trim())
          .filter(Boolean),
      });
      onCreated({ id: r.widget.id, secret: r.secret });
      await reload();
      go(`/admin/chat/${r.widget.id}`);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form
      aria-labelledby="chat-new-h"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <h2 id="chat-new-h">{t('chatAdmin.add')}</h2>
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
      {error !== null && (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      )}
      <button type="submit" className="primary">
        {t('chatAdmin.create')}
      </button>
    </form>
  );
}

/** One widget: its team and sites, on or off, a new secret, and the embed code (with the secret, once). */
function Widget({
  w,
  teamName,
  revealed,
  onReveal,
  reload,
  say,
}: {
  w: ChatWidgetDto;
  teamName: string;
  revealed: Revealed | null;
  onReveal(r: Revealed): void;
  reload(): Promise<void>;
  say(path: string, text: string): void;
}) {
  const t = useT();
  const [error, setError] = useState<unknown>(null);
  const act = async (fn: () => Promise<void>) => {
    setError(null);
    try {
      await fn();
      await reload();
      say(`/admin/chat/${w.id}`, t('chatAdmin.saved'));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      {error !== null && (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      )}
      {revealed ? (
        <section aria-label={t('chatAdmin.secret')} className="secret-box">
          <h2>{t('chatAdmin.secret')}</h2>
          <p>
            <code data-i18n-skip>{revealed.secret}</code>
          </p>
          <p>{t('chatAdmin.secretHint')}</p>
          <h2>{t('chatAdmin.snippet')}</h2>
          <pre data-i18n-skip>{snippet(w.id)}</pre>
        </section>
      ) : (
        <>
          <h2>{t('chatAdmin.snippet')}</h2>
          <pre data-i18n-skip>{snippet(w.id)}</pre>
        </>
      )}
      <dl>
        <dt>{t('chatAdmin.team')}</dt>
        <dd data-i18n-skip>{teamName}</dd>
        <dt>{t('chatAdmin.origins')}</dt>
        {w.allowedOrigins.map((o) => (
          <dd key={o} data-i18n-skip>
            {o}
          </dd>
        ))}
      </dl>
      <div className="row">
        <button
          type="button"
          onClick={() =>
            void act(async () => void (await api('PATCH', `/chat-widgets/${w.id}`, { active: !w.active })))
          }
        >
          {w.active ? t('chatAdmin.switchOff') : t('chatAdmin.switchOn')}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() =>
            void act(async () => {
              const r = await api<{ secret: string }>('POST', `/chat-widgets/${w.id}/rotate-secret`);
              onReveal({ id: w.id, secret: r.secret });
            })
          }
        >
          {t('chatAdmin.rotate')}
        </button>
      </div>
    </>
  );
}
