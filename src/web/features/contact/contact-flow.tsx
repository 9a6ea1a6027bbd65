import { useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import type { CaseDto, ContactDto, CustomerDto, UserDto } from '../../app/types.ts';
import { KbSuggestions } from '../knowledge/suggestions.tsx';
import { ScriptPanel } from '../scripts/script-panel.tsx';
import { CustomerCard } from './customer-card.tsx';
import { FindCustomer } from './find-customer.tsx';
import { OutcomePanel } from './outcome-panel.tsx';
import { VerifyPanel } from './verify-panel.tsx';

/** The call in progress, kept locally so a reload or a failed request loses nothing typed. */
type SavedCall = {
  contactId: string;
  customerId: string | null;
  unknown: boolean;
  enquiry: string;
  wrapUp: string;
  answer?: string;
};
const callKey = (userId: string) => `frontline.call.${userId}`;

/**
 * The enquiry flow of the standard: greet, find and verify the customer, capture the enquiry in
 * their words, classify and act, ask "anything else?", close. A checklist beside the working area
 * shows where the call is; nothing blocks going back.
 */
export function ContactFlow({ user }: { user: UserDto }) {
  const [contact, setContact] = useState<ContactDto | null>(null);
  const [customer, setCustomer] = useState<CustomerDto | null>(null);
  const [unknown, setUnknown] = useState(false);
  const [verified, setVerified] = useState(false);
  const [enquiry, setEnquiry] = useState('');
  // What the officer tells the customer (the resolution summary); knowledge answers are inserted here.
  const [answer, setAnswer] = useState('');
  const [saved, setSaved] = useState<CaseDto | null>(null);
  const [anythingElse, setAnythingElse] = useState(false);
  const [wrapUp, setWrapUp] = useState('');
  const [ended, setEnded] = useState<ContactDto | null>(null);
  const [phrases, setPhrases] = useState({ greeting: '', closing: '' });
  useEffect(() => {
    void api<{ greeting: string; closing: string }>('GET', '/settings/phrases').then(setPhrases);
  }, []);
  const greeting = phrases.greeting.replaceAll('{officer}', user.displayName);

  // Keep the call locally while it lasts; forget it once the contact has ended.
  useEffect(() => {
    if (!contact || ended) return;
    const call: SavedCall = {
      contactId: contact.id,
      customerId: customer?.id ?? null,
      unknown,
      enquiry,
      wrapUp,
      answer,
    };
    localStorage.setItem(callKey(user.id), JSON.stringify(call));
  }, [contact, customer, unknown, enquiry, wrapUp, answer, ended, user.id]);

  // After a reload, pick the call up where it was.
  useEffect(() => {
    const raw = localStorage.getItem(callKey(user.id));
    if (!raw) return;
    const call = JSON.parse(raw) as SavedCall;
    void (async () => {
      const c = await api<ContactDto>('GET', `/contacts/${call.contactId}`).catch(() => null);
      if (!c || c.endedAt) {
        localStorage.removeItem(callKey(user.id));
        return;
      }
      setContact(c);
      setUnknown(call.unknown);
      setEnquiry(call.enquiry);
      setWrapUp(call.wrapUp);
      setAnswer(call.answer ?? '');
      setVerified(c.verified);
      if (c.customerId)
        setCustomer(await api<CustomerDto>('GET', `/customers/${c.customerId}?contactId=${c.id}`));
    })();
  }, [user.id]);

  const start = async () => {
    const c = await api<ContactDto>('POST', '/contacts', { channel: 'phone', direction: 'inbound' });
    setContact(c);
    setCustomer(null);
    setUnknown(false);
    setVerified(false);
    setEnquiry('');
    setAnswer('');
    setSaved(null);
    setAnythingElse(false);
    setWrapUp('');
    setEnded(null);
  };
  const pick = async (customerId: string) => {
    if (!contact) return;
    setContact(await api<ContactDto>('PATCH', `/contacts/${contact.id}`, { customerId }));
    setCustomer(await api<CustomerDto>('GET', `/customers/${customerId}?contactId=${contact.id}`));
  };
  const reloadCustomer = async () => {
    if (contact && customer)
      setCustomer(await api<CustomerDto>('GET', `/customers/${customer.id}?contactId=${contact.id}`));
  };
  const end = async () => {
    if (!contact) return;
    const c = await api<ContactDto>('PATCH', `/contacts/${contact.id}`, { end: true, notes: wrapUp || null });
    localStorage.removeItem(callKey(user.id));
    setEnded(c);
  };

  const steps: [string, boolean][] = [
    ['Greet', !!contact],
    ['Find the customer', !!customer || unknown],
    ['Verify particulars', verified || unknown],
    ['Capture the enquiry', enquiry.trim().length > 0],
    ['Classify and act', !!saved],
    ['Anything else?', anythingElse],
    ['Close and wrap up', !!ended],
  ];

  return (
    <div className="flow">
      <aside className="checklist" aria-label="Call checklist">
        <h2>Call checklist</h2>
        <p className="hint">
          Press <kbd>?</kbd> for keyboard shortcuts.
        </p>
        <ol>
          {steps.map(([label, done]) => (
            <li key={label} className={done ? 'done' : ''}>
              <span aria-hidden="true">{done ? '✓' : '○'}</span> {label}
              <span className="sr-only">{done ? ' (done)' : ' (to do)'}</span>
            </li>
          ))}
        </ol>
        {contact && (
          <ScriptPanel
            key={contact.id}
            contactId={contact.id}
            customerId={customer?.id ?? null}
            caseId={saved?.id ?? null}
          />
        )}
      </aside>
      <section className="work" aria-label="Contact">
        <h1>Contact</h1>
        {!contact && (
          <button id="answer-call" type="button" onClick={() => void start()}>
            Answer call
          </button>
        )}
        {contact && (
          <>
            <p className="phrase">
              <span className="sr-only">Greeting: </span>“{greeting}”
            </p>
            {!customer && !unknown && (
              <FindCustomer onPick={(id) => void pick(id)} onUnknown={() => setUnknown(true)} />
            )}
            {customer && <CustomerCard customer={customer} />}
            {customer && (
              <p>
                <a href={`#/customers/${customer.id}?contact=${contact.id}`} target="_blank" rel="noreferrer">
                  Open the customer 360 view
                </a>
              </p>
            )}
            {customer && (
              <VerifyPanel
                contactId={contact.id}
                customer={customer}
                onVerified={(v) => {
                  setVerified(v.satisfiesPolicy);
                  void reloadCustomer();
                }}
              />
            )}
            <label>
              The enquiry, in the customer's words
              <textarea
                id="enquiry"
                name="enquiry"
                rows={4}
                value={enquiry}
                onChange={(e) => setEnquiry(e.target.value)}
              />
            </label>
            {!saved && (
              <KbSuggestions
                text={enquiry}
                contactId={contact.id}
                onInsert={(text) => setAnswer((a) => (a.trim() ? `${a.trimEnd()}\n\n${text}` : text))}
              />
            )}
            {!saved && (
              <OutcomePanel
                contactId={contact.id}
                enquiry={enquiry}
                summary={answer}
                onSummary={setAnswer}
                onDone={(c) => setSaved(c)}
              />
            )}
            {saved && (
              <p role="status" className="ok">
                Case <a href={`#/cases/${saved.id}`}>{saved.reference}</a> saved (
                {saved.status.replaceAll('_', ' ')}).
              </p>
            )}
            <label className="check">
              <input
                type="checkbox"
                checked={anythingElse}
                onChange={(e) => setAnythingElse(e.target.checked)}
              />{' '}
              Asked “Is there anything else I can help you with?”
            </label>
            <p className="phrase">“{phrases.closing}”</p>
            <label>
              Wrap-up notes
              <textarea rows={2} value={wrapUp} onChange={(e) => setWrapUp(e.target.value)} />
            </label>
            {!ended ? (
              <button id="end-contact" type="button" onClick={() => void end()}>
                End contact
              </button>
            ) : (
              <p role="status">
                Contact ended after {ended.durationSeconds} s.{' '}
                <button type="button" onClick={() => void start()}>
                  Answer next call
                </button>
              </p>
            )}
          </>
        )}
      </section>
    </div>
  );
}
