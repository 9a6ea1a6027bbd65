import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/index.ts';
import { useMyChats } from './use-my-chats.ts';
import './chat.css';

const SOUND_KEY = 'frontline.chatSound';

/** A short two-note chime (WebAudio): no file to load, and only when the officer asked for it. */
function chime(): void {
  try {
    const ctx = new AudioContext();
    const at = ctx.currentTime;
    for (const [i, f] of [660, 880].entries()) {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.08, at + i * 0.12);
      g.gain.exponentialRampToValueAtTime(0.0001, at + i * 0.12 + 0.2);
      o.connect(g).connect(ctx.destination);
      o.start(at + i * 0.12);
      o.stop(at + i * 0.12 + 0.22);
    }
    setTimeout(() => void ctx.close(), 600);
  } catch {
    // No audio (a policy, a headless browser): the visual cue remains.
  }
}

/**
 * "My chats" in the top bar (issue 14, point 4): the officer's open chats and the team's waiting
 * ones with their unread counts, one click from each case. A new customer message makes the count
 * flash (and chime, if the officer turned the sound on); nothing shows when there is no chat.
 */
export function MyChats({ userId, teamId }: { userId: string; teamId: string | null }) {
  const t = useT();
  const chats = useMyChats(userId, teamId);
  const [open, setOpen] = useState(false);
  const [flash, setFlash] = useState(false);
  const [sound, setSound] = useState(() => localStorage.getItem(SOUND_KEY) === '1');
  const unread = chats.reduce((n, c) => n + c.unread, 0);
  const last = useRef(unread);
  useEffect(() => {
    if (unread > last.current) {
      setFlash(true);
      if (sound) chime();
      const id = setTimeout(() => setFlash(false), 3000);
      last.current = unread;
      return () => clearTimeout(id);
    }
    last.current = unread;
  }, [unread, sound]);
  if (!chats.length) return null;
  return (
    <div className="my-chats">
      <button
        type="button"
        className={`link my-chats-toggle${flash ? ' flash' : ''}`}
        aria-expanded={open}
        aria-controls="my-chats-list"
        onClick={() => setOpen(!open)}
      >
        {t('chat.mine')} <span className="count">{chats.length}</span>
        {unread > 0 && <span className="badge unread">{t('chat.unread', { count: unread })}</span>}
      </button>
      {flash && (
        <span className="sr-only" role="status">
          {t('chat.newMessage')}
        </span>
      )}
      {open && (
        <div id="my-chats-list" className="my-chats-pop">
          <h2>{t('chat.mineTitle')}</h2>
          <ul>
            {chats.map((c) => (
              <li key={c.conversationId}>
                <a href={`#/cases/${c.caseId}`} onClick={() => setOpen(false)}>
                  <span data-i18n-skip>
                    {c.reference} · {c.visitorName}
                  </span>
                </a>{' '}
                {c.status === 'waiting' && <small>{t('chat.waitingShort')}</small>}
                {c.unread > 0 && (
                  <span className="badge unread">{t('chat.unread', { count: c.unread })}</span>
                )}
              </li>
            ))}
          </ul>
          <label className="check">
            <input
              type="checkbox"
              checked={sound}
              onChange={(e) => {
                setSound(e.target.checked);
                localStorage.setItem(SOUND_KEY, e.target.checked ? '1' : '0');
              }}
            />{' '}
            {t('chat.sound')}
          </label>
        </div>
      )}
    </div>
  );
}
