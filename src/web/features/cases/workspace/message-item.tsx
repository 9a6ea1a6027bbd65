import { useState } from 'react';
import type { MessageDto } from '../../../../shared/contracts/messages.ts';
import { foldQuoted } from '../../../../shared/mail-fold.ts';
import { useT } from '../../../i18n/index.ts';
import { whenFull } from '../../../ui/format.ts';
import { usePhoneWords } from '../../../ui/phone.ts';

const address = (a: { address: string; name: string | null }) =>
  a.name ? `${a.name} <${a.address}>` : a.address;
const kb = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Remote images the officer chose to load: `data-remote-src` (kept by the server's sanitiser) becomes `src`. */
function withRemoteImages(html: string): string {
  return html.replace(/data-remote-src="(https?:\/\/[^"]+)"/gi, 'src="$1"');
}

/**
 * One e-mail on the case's conversation: who wrote to whom and when, its delivery state if we sent
 * it, the words with the quoted history folded, its HTML (sanitised by the server on arrival: no
 * script, handler or remote content) with remote images loaded only on request, and its files.
 */
export function MessageItem({
  m,
  who,
  time,
}: {
  m: MessageDto;
  who: React.ReactNode;
  time: React.ReactNode;
}) {
  const t = useT();
  // A text's number as people read it (+65 9123 4567); an e-mail address as written.
  const phone = usePhoneWords();
  const shown = (a: { address: string; name: string | null }) =>
    m.channel === 'sms' ? address({ ...a, address: phone(a.address) }) : address(a);
  const [html, setHtml] = useState(false);
  const [images, setImages] = useState(false);
  const inbound = m.direction === 'inbound';
  const { body, quoted } = foldQuoted(m.text);
  const files = m.attachments.filter((a) => !a.inline);
  const stateClass =
    m.state === 'failed' || m.state === 'bounced'
      ? 'bad'
      : m.state === 'delivered'
        ? 'done'
        : m.state === 'sent'
          ? 'ok'
          : 'wait';
  // Delivered: the receiving server's own report (a DSN), when it was sent and what the server said.
  const stateTitle =
    m.state === 'delivered'
      ? [m.sentAt ? t('thread.mail.deliveredAfter', { when: whenFull(m.sentAt) }) : null, m.stateReason]
          .filter(Boolean)
          .join(' ')
      : (m.stateReason ?? undefined);
  return (
    <li className={`t-msg mail ${inbound ? 'in' : 'out'}`}>
      <p className="meta">
        <strong>
          {m.channel === 'sms'
            ? inbound
              ? t('sms.from')
              : t('sms.toLabel')
            : inbound
              ? t('thread.mail.from')
              : t('thread.mail.to')}
        </strong>{' '}
        <span data-i18n-skip>{inbound ? (m.from ? shown(m.from) : '') : m.to.map(shown).join(', ')}</span>
        {m.cc.length > 0 && (
          <>
            {' · '}
            {t('thread.mail.cc')} <span data-i18n-skip>{m.cc.map(address).join(', ')}</span>
          </>
        )}
        {!inbound && <> · {who}</>} · {time}
        {m.kind !== 'message' && m.kind !== 'reply' && (
          <span className="badge">
            {' '}
            {t(`thread.mail.kind.${m.kind as 'auto_reply'}`, { defaultValue: m.kind })}
          </span>
        )}
        {!inbound && (
          <span className={`badge state ${stateClass}`} title={stateTitle || undefined}>
            {' '}
            {t(`thread.mail.state.${m.state as 'sent'}`, { defaultValue: m.state })}
            {m.sentAt && m.state === 'sent' ? ` ${whenFull(m.sentAt)}` : ''}
          </span>
        )}
      </p>
      {m.subject && (
        <p className="subject" data-i18n-skip>
          {m.subject}
        </p>
      )}
      {(m.state === 'failed' || m.state === 'bounced') && m.stateReason && (
        <p className="error small" role="status">
          {t('thread.mail.notDelivered')} <span data-i18n-skip>{m.stateReason}</span>
        </p>
      )}
      {html && m.html ? (
        <>
          {m.remoteImages && !images && (
            <p className="small muted">
              {t('thread.mail.imagesBlocked')}{' '}
              <button type="button" className="link" onClick={() => setImages(true)}>
                {t('thread.mail.showImages')}
              </button>
            </p>
          )}
          {/* Sanitised by the server when the mail arrived (channels/email/sanitize.ts): an allow-list of formatting, no script. */}
          <div
            className="mail-html"
            data-i18n-skip
            // biome-ignore lint/security/noDangerouslySetInnerHtml: server-sanitised mail HTML, see above
            dangerouslySetInnerHTML={{ __html: images ? withRemoteImages(m.html) : m.html }}
          />
        </>
      ) : (
        <>
          <p className="body" data-i18n-skip>
            {body}
          </p>
          {quoted && (
            <details className="quoted">
              <summary>{t('thread.mail.quoted')}</summary>
              <p className="body" data-i18n-skip>
                {quoted}
              </p>
            </details>
          )}
        </>
      )}
      {m.html && (
        <button type="button" className="link small" onClick={() => setHtml((x) => !x)}>
          {html ? t('thread.mail.showText') : t('thread.mail.showFormatted')}
        </button>
      )}
      {files.length > 0 && (
        <ul className="files" aria-label={t('thread.mail.attachments')}>
          {files.map((a) => (
            <li key={a.id}>
              {a.url ? (
                <a href={a.url} data-i18n-skip>
                  {a.filename}
                </a>
              ) : (
                <span data-i18n-skip>{a.filename}</span>
              )}{' '}
              <span className="muted small" data-i18n-skip>
                {kb(a.size)}
              </span>
              {!a.stored && <span className="muted small"> {t('thread.mail.notKept')}</span>}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
