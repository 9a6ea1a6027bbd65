import { can } from '../../../../shared/permissions.ts';
import { nameOf, useColleagues } from '../../../app/use-directory.ts';
import { term, useT } from '../../../i18n/index.ts';
import { languageName, seconds, when, whenFull } from '../../../ui/format.ts';
import { SiteSignIn } from '../../contact/site-sign-in.tsx';
import { VerifyPanel } from '../../contact/verify-panel.tsx';
import { CaseKnowledge } from '../../knowledge/policy-flags.tsx';
import { KbSuggestions } from '../../knowledge/suggestions.tsx';
import { AcknowledgeEscalation } from '../../notifications/acknowledge-escalation.tsx';
import type { CaseView } from '../case-page.tsx';
import { untakenByCustomer } from '../event-labels.ts';

const OPEN = new Set(['new', 'open', 'pending_customer', 'pending_action_party']);

/**
 * Who the customer is, first what the officer must adapt to (particular needs, language), then
 * whether they are verified on the contact in progress, their accounts, other open cases and recent
 * contacts, and the knowledge that may answer the enquiry.
 */
export function ContextPane({ view }: { view: CaseView }) {
  const t = useT();
  const { ws, userId, role, writer, chat, refreshChat } = view;
  const c = ws.case;
  const cu = ws.customer;
  const people = useColleagues();
  // The contact I am handling now for this customer, if any: its verification decides what I may say.
  const live = [...ws.contacts, ...ws.recentContacts].find((x) => x.officerId === userId && !x.endedAt);
  // A chat's own language leads (the customer chose it for this chat); the record's follows if it differs.
  const chatTag = chat?.languageTag ?? null;
  const chatName = chatTag ? languageName(chatTag) : (chat?.language ?? null);
  const recordLanguage = cu?.preferredLanguage ?? null;
  const showRecord = !chatName || (recordLanguage !== null && !sameLanguage(chatTag, recordLanguage));
  return (
    <aside className="ws-context" aria-label={t('context.region')}>
      <AcknowledgeEscalation
        caseId={c.id}
        userId={userId}
        role={role}
        stamp={`${c.updatedAt}|${c.timeline.length}`}
        onDone={view.reload}
      />
      {cu ? (
        <section aria-label={t('context.customer')}>
          <h2 data-i18n-skip>
            <a href={`#/customers/${cu.id}`}>{cu.displayName}</a>
          </h2>
          {cu.particularNeeds.length > 0 && (
            <ul className="needs" aria-label={t('context.needs')}>
              {cu.particularNeeds.map((n) => (
                <li key={`${n.kind}:${n.detail}`}>
                  <strong>{term('need', n.kind)}</strong>
                  {n.detail ? <span data-i18n-skip>: {n.detail}</span> : ''}
                </li>
              ))}
            </ul>
          )}
          <p>
            {chatName && (
              <>
                {t('context.chatIn')}{' '}
                <strong data-testid="chat-language" data-i18n-skip>
                  {chatName}
                </strong>
                {/* As the customer wrote it, when the reader's name for it differs ("Malay (Bahasa Melayu)"). */}
                {chatTag && chat?.language && chat.language.toLowerCase() !== chatName.toLowerCase() && (
                  <span lang={chatTag} data-i18n-skip>
                    {' '}
                    ({chat.language})
                  </span>
                )}
                {showRecord && ' · '}
              </>
            )}
            {showRecord && (
              <>
                {t('context.speaks')}{' '}
                {/* The language's name comes from Intl in the reader's locale, not from the catalogue. */}
                <strong data-testid="customer-language" data-i18n-skip>
                  {languageName(recordLanguage)}
                </strong>
              </>
            )}
            {cu.preferredChannel && t('context.prefers', { channel: term('channel', cu.preferredChannel) })}
            {cu.segment && <span data-i18n-skip> · {cu.segment}</span>}
          </p>
          <p data-testid="verification">
            {live ? (
              live.verified ? (
                <span className="ok">{t('context.verified')}</span>
              ) : (
                <span className="warn-text">
                  {t('context.notVerified')}
                  {live.verification?.missing.length
                    ? t('context.stillNeeds', {
                        what: live.verification.missing.map((m) => term('particular', m)).join(', '),
                      })
                    : ''}
                </span>
              )
            ) : (
              <span className="muted">{t('context.noContact')}</span>
            )}
          </p>
          {/* The site's sign-in counts only once confirmed as this customer, after verifying as usual. */}
          {live && live.channel === 'chat' && chat?.siteLink && (
            <SiteSignIn
              caseId={c.id}
              link={chat.siteLink}
              verified={live.verified}
              onChanged={() => {
                refreshChat();
                void view.reload();
              }}
            />
          )}
          {/* A chat answered here is the contact in progress: its customer is verified on it here. */}
          {live && !live.verified && live.channel === 'chat' && (
            <VerifyPanel contact={live} customer={cu} onVerified={() => void view.reload()} />
          )}
          {cu.accounts.length > 0 && (
            <>
              <h3>{t('context.accounts')}</h3>
              <ul className="compact">
                {cu.accounts.map((a) => (
                  <li key={a.id}>
                    {a.accountNumber} · {term('accountStatus', a.status)}
                    {a.services.length > 0 && (
                      <span className="muted">
                        {' '}
                        ·{' '}
                        {a.services.map((s, i) => (
                          <span key={`${s.kind}:${s.plan ?? ''}:${String(i)}`}>
                            {i > 0 && ', '}
                            {term('service', s.kind)}
                            {s.plan && <span data-i18n-skip> ({s.plan})</span>}
                          </span>
                        ))}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('context.otherOpen')}</h3>
          {ws.openCases.length ? (
            <ul className="compact">
              {ws.openCases.map((o) => (
                <li key={o.id}>
                  <a href={`#/cases/${o.id}`}>{o.reference}</a> <span data-i18n-skip>{o.subject}</span>{' '}
                  <span className="muted">· {term('status', o.status)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('context.none')}</p>
          )}
          <h3>{t('context.recent')}</h3>
          <ul className="compact">
            {ws.recentContacts.map((x) => (
              <li key={x.id}>
                <time dateTime={x.startedAt} title={whenFull(x.startedAt)}>
                  {when(x.startedAt)}
                </time>{' '}
                · {term('channel', x.channel)} ·{' '}
                <span data-i18n-skip>
                  {untakenByCustomer(x, cu.displayName) ?? nameOf(people, x.officerId)}
                </span>
                {x.durationSeconds != null && ` · ${seconds(x.durationSeconds)}`}
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p className="muted">{t('context.noCustomer')}</p>
      )}
      {OPEN.has(c.status) && writer && can(role, 'kb.contribute') && (
        <KbSuggestions text={c.subject} caseId={c.id} onInsert={view.insert} />
      )}
      <CaseKnowledge
        caseId={c.id}
        subject={c.subject}
        userId={userId}
        canWrite={writer}
        canPropose={can(role, 'kb.write')}
      />
    </aside>
  );
}

/** The same language whatever the region or script ("zh" and "zh-Hans", "en" and "en-SG"). */
function sameLanguage(a: string | null, b: string): boolean {
  return a !== null && a.split(/[-_]/)[0]!.toLowerCase() === b.split(/[-_]/)[0]!.toLowerCase();
}
