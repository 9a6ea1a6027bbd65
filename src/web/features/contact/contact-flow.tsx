import { useEffect, useState } from 'react';
import type { StandardPhrasesDto } from '../../../shared/contracts/contacts.ts';
import { renderTemplate } from '../../../shared/templating.ts';
import { api } from '../../app/api.ts';
import type { UserDto } from '../../app/types.ts';
import { term, useT } from '../../i18n/index.ts';
import { focusSoon } from '../../ui/focus.ts';
import { seconds } from '../../ui/format.ts';
import { RegisterCustomer } from '../customers/register-customer.tsx';
import { KbSuggestions } from '../knowledge/suggestions.tsx';
import { ScriptPanel } from '../scripts/script-panel.tsx';
import { CustomerCard } from './customer-card.tsx';
import { FindCustomer } from './find-customer.tsx';
import { OutcomePanel } from './outcome-panel.tsx';
import { blankEnquiry, isCall, useContact } from './use-contact.ts';
import { VerifyPanel } from './verify-panel.tsx';

/**
 * The enquiry flow of the standard: greet, find and verify the customer, capture the enquiry in
 * their words, classify and act, ask "anything else?" (each further enquiry its own case), close.
 * The contact in progress is server state, so leaving the screen or reloading changes nothing.
 * A chat taken is a contact in progress too: the words follow the contact's channel (a chat is not
 * a call), and ending its contact ends the chat (the server does both).
 */
export function ContactFlow({ user }: { user: UserDto }) {
  const t = useT();
  const { loading, contact, customer, cases, draft, ended, setDraft, start, refresh, pick, end, flush } =
    useContact(user.id);
  const [phrases, setPhrases] = useState<Required<StandardPhrasesDto>>({
    greeting: '',
    closing: '',
    writtenGreeting: '',
    writtenClosing: '',
  });
  const [busy, setBusy] = useState<'answer' | 'end' | null>(null);
  const [registering, setRegistering] = useState(false);
  // A caller registered (or recognised among the holders of their particulars) becomes the contact's customer.
  const registered = async (id: string) => {
    setRegistering(false);
    setDraft({ unknown: false });
    await pick(id);
  };
  useEffect(() => {
    void api<Required<StandardPhrasesDto>>('GET', '/settings/phrases').then(setPhrases);
  }, []);
  const call = isCall(contact);
  const chat = contact?.channel === 'chat';
  // The greeting is written in the one template syntax; the officer's name is all it can use.
  const greeting = renderTemplate(call ? phrases.greeting : phrases.writtenGreeting, {
    'officer.name': { value: user.displayName },
  }).text;
  const closing = call ? phrases.closing : phrases.writtenClosing;
  const once = (what: 'answer' | 'end', fn: () => Promise<void>) => async () => {
    if (busy) return;
    setBusy(what);
    try {
      await fn();
    } finally {
      setBusy(null);
    }
  };

  if (loading) return <p aria-busy="true">{t('common.loading')}</p>;
  const open = contact && !ended;
  const verified = !!contact?.verified;
  const enquiring = open && (cases.length === 0 || draft.another);
  const steps: [string, boolean][] = [
    [t('contact.steps.greet'), !!contact],
    [t('contact.steps.find'), !!customer || draft.unknown],
    [t('contact.steps.verify'), verified || draft.unknown],
    [t('contact.steps.capture'), cases.length > 0 || draft.enquiry.trim().length > 0],
    [t('contact.steps.classify'), cases.length > 0],
    [t('contact.steps.anythingElse'), draft.anythingElse],
    [t('contact.steps.close'), !!ended],
  ];
  const answerCall = async () => {
    await start();
    focusSoon('#customer-search');
  };
  const answer = (
    <button
      id="answer-call"
      type="button"
      disabled={!!busy}
      onClick={() => void once('answer', answerCall)()}
    >
      {ended && call ? t('contact.answerNext') : t('contact.answer')}
    </button>
  );

  return (
    <div className="flow">
      <aside className="checklist" aria-label={t(call ? 'contact.checklist' : 'contact.checklistWritten')}>
        <h2>{t(call ? 'contact.checklist' : 'contact.checklistWritten')}</h2>
        <p className="hint">
          {t('contact.press')}
          <kbd>?</kbd>
          {t('contact.forShortcuts')}
        </p>
        <ol>
          {steps.map(([label, done]) => (
            <li key={label} className={done ? 'done' : ''}>
              <span aria-hidden="true">{done ? '✓' : '○'}</span> {label}
              <span className="sr-only">{done ? t('contact.done') : t('contact.toDo')}</span>
            </li>
          ))}
        </ol>
        {contact && (
          <ScriptPanel
            key={contact.id}
            contactId={contact.id}
            customerId={customer?.id ?? null}
            caseId={cases.at(-1)?.id ?? null}
            call={call}
          />
        )}
      </aside>
      <section className="work" aria-label={t('contact.title')}>
        <h1>{t('contact.title')}</h1>
        {!contact && answer}
        {contact && (
          <>
            <p className="phrase">
              <span className="sr-only">{t('contact.greeting')}</span>
              <span data-i18n-skip>“{greeting}”</span>
            </p>
            {open && !customer && !draft.unknown && (
              <FindCustomer onPick={(id) => void pick(id)} onUnknown={() => setDraft({ unknown: true })} />
            )}
            {draft.unknown && !customer && !registering && (
              <p className="hint">
                {t(call ? 'contact.unknown' : 'contact.unknownWritten')}{' '}
                {open && cases.length === 0 && (
                  <>
                    <button type="button" className="link" onClick={() => setDraft({ unknown: false })}>
                      {t('contact.findAfterAll')}
                    </button>{' '}
                    <button
                      id="register-customer"
                      type="button"
                      className="link"
                      onClick={() => setRegistering(true)}
                    >
                      {t('contact.register')}
                    </button>
                  </>
                )}
              </p>
            )}
            {registering && open && !customer && (
              <RegisterCustomer
                initialPhone={contact.fromAddress ?? undefined}
                onRegistered={(id) => void registered(id)}
                onPick={(id) => void registered(id)}
                onCancel={() => setRegistering(false)}
              />
            )}
            {customer && <CustomerCard customer={customer} />}
            {customer && (
              <p className="row">
                <a href={`#/customers/${customer.id}?contact=${contact.id}`} target="_blank" rel="noreferrer">
                  {t('contact.open360')}
                </a>
                {open && cases.length === 0 && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      void pick(null);
                      focusSoon('#customer-search');
                    }}
                  >
                    {t('contact.wrongCustomer')}
                  </button>
                )}
              </p>
            )}
            {customer && open && (
              <VerifyPanel
                contact={contact}
                customer={customer}
                onVerified={() => {
                  void refresh();
                  focusSoon('#verify-status');
                }}
              />
            )}
            {enquiring && (
              <>
                <label>
                  {t('contact.enquiry')}
                  <textarea
                    id="enquiry"
                    name="enquiry"
                    rows={3}
                    value={draft.enquiry}
                    onChange={(e) => setDraft({ enquiry: e.target.value })}
                  />
                </label>
                <OutcomePanel
                  contactId={contact.id}
                  draft={draft}
                  onChange={setDraft}
                  onSaving={async (caseId) => {
                    setDraft({ savingCaseId: caseId });
                    await flush();
                  }}
                  onDone={() => {
                    setDraft({ ...blankEnquiry(), another: false });
                    void refresh();
                    focusSoon('#another-enquiry');
                  }}
                />
              </>
            )}
            {ended && (
              <p role="status">
                {chat
                  ? t('contact.endedChat', { duration: seconds(ended.durationSeconds ?? 0) })
                  : t('contact.ended', { seconds: ended.durationSeconds ?? '' })}{' '}
                {answer}
              </p>
            )}
          </>
        )}
      </section>
      {contact && (open || cases.length > 0) && (
        <aside className="wrap-col" aria-label={t('contact.wrapCol')}>
          {enquiring && (
            <div className="col-scroll">
              <KbSuggestions
                text={draft.enquiry}
                contactId={contact.id}
                onInsert={(text) =>
                  setDraft({
                    summary: draft.summary.trim() ? `${draft.summary.trimEnd()}\n\n${text}` : text,
                  })
                }
              />
            </div>
          )}
          <div className="wrap-up">
            {cases.length > 0 && (
              <ul className="saved-cases" aria-label={t('contact.logged')}>
                {cases.map((c) => (
                  // The status inside the item: a list holds list items only (axe's "list" rule).
                  <li key={c.id} className="ok">
                    <span role="status">
                      {t('contact.savedCase')}
                      <a href={`#/cases/${c.id}`}>{c.reference}</a>
                      {/* A call's cases are logged here; a chat's came with it. */}
                      {t(call ? 'contact.savedStatus' : 'contact.caseStatus', {
                        status: term('status', c.status),
                      })}
                      <span data-i18n-skip>{c.subject}</span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {open && cases.length > 0 && !draft.another && (
              <button
                id="another-enquiry"
                type="button"
                className="secondary"
                onClick={() => {
                  setDraft({ ...blankEnquiry(), another: true, anythingElse: true });
                  focusSoon('#enquiry');
                }}
              >
                {t('contact.another')}
              </button>
            )}
            {open && (
              <>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={draft.anythingElse}
                    onChange={(e) => setDraft({ anythingElse: e.target.checked })}
                  />{' '}
                  {t('contact.askedAnythingElse')}
                </label>
                <p className="phrase" data-i18n-skip>
                  “{closing}”
                </p>
                <label>
                  {t('contact.wrapUp')}
                  <textarea
                    rows={2}
                    value={draft.wrapUp}
                    onChange={(e) => setDraft({ wrapUp: e.target.value })}
                  />
                </label>
                <button
                  id="end-contact"
                  type="button"
                  disabled={!!busy}
                  onClick={() => void once('end', end)()}
                >
                  {t(chat ? 'contact.endChat' : 'contact.end')}
                </button>
              </>
            )}
          </div>
        </aside>
      )}
    </div>
  );
}
