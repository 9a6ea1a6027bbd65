import { can } from '../../../../shared/permissions.ts';
import { nameOf, useColleagues } from '../../../app/use-directory.ts';
import { languageName, seconds, when, whenFull, words } from '../../../ui/format.ts';
import { CaseKnowledge } from '../../knowledge/policy-flags.tsx';
import { KbSuggestions } from '../../knowledge/suggestions.tsx';
import { AcknowledgeEscalation } from '../../notifications/acknowledge-escalation.tsx';
import type { CaseView } from '../case-page.tsx';

const OPEN = new Set(['new', 'open', 'pending_customer', 'pending_action_party']);

/**
 * Who the customer is, first what the officer must adapt to (particular needs, language), then
 * whether they are verified on the contact in progress, their accounts, other open cases and recent
 * contacts, and the knowledge that may answer the enquiry.
 */
export function ContextPane({ view }: { view: CaseView }) {
  const { ws, userId, role, writer } = view;
  const c = ws.case;
  const cu = ws.customer;
  const people = useColleagues();
  // The contact I am handling now for this customer, if any: its verification decides what I may say.
  const live = [...ws.contacts, ...ws.recentContacts].find((x) => x.officerId === userId && !x.endedAt);
  return (
    <aside className="ws-context" aria-label="Customer and knowledge">
      <AcknowledgeEscalation
        caseId={c.id}
        userId={userId}
        role={role}
        stamp={`${c.updatedAt}|${c.timeline.length}`}
        onDone={view.reload}
      />
      {cu ? (
        <section aria-label="Customer">
          <h2>
            <a href={`#/customers/${cu.id}`}>{cu.displayName}</a>
          </h2>
          {cu.particularNeeds.length > 0 && (
            <ul className="needs" aria-label="Particular needs">
              {cu.particularNeeds.map((n) => (
                <li key={`${n.kind}:${n.detail}`}>
                  <strong>{words(n.kind)}</strong>
                  {n.detail ? `: ${n.detail}` : ''}
                </li>
              ))}
            </ul>
          )}
          <p>
            Speaks <strong data-testid="customer-language">{languageName(cu.preferredLanguage)}</strong>
            {cu.preferredChannel && <> · prefers {words(cu.preferredChannel)}</>}
            {cu.segment && <> · {cu.segment}</>}
          </p>
          <p data-testid="verification">
            {live ? (
              live.verified ? (
                <span className="ok">Verified on this contact</span>
              ) : (
                <span className="warn-text">
                  Not verified on this contact
                  {live.verification?.missing.length
                    ? ` — still needs ${live.verification.missing.map(words).join(', ')}`
                    : ''}
                </span>
              )
            ) : (
              <span className="muted">No contact in progress with this customer</span>
            )}
          </p>
          {cu.accounts.length > 0 && (
            <>
              <h3>Accounts</h3>
              <ul className="compact">
                {cu.accounts.map((a) => (
                  <li key={a.id}>
                    {a.accountNumber} · {words(a.status)}
                    {a.services.length > 0 && (
                      <span className="muted">
                        {' '}
                        ·{' '}
                        {a.services.map((s) => `${words(s.kind)}${s.plan ? ` (${s.plan})` : ''}`).join(', ')}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>Other open cases</h3>
          {ws.openCases.length ? (
            <ul className="compact">
              {ws.openCases.map((o) => (
                <li key={o.id}>
                  <a href={`#/cases/${o.id}`}>{o.reference}</a> {o.subject}{' '}
                  <span className="muted">· {words(o.status)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None</p>
          )}
          <h3>Recent contacts</h3>
          <ul className="compact">
            {ws.recentContacts.map((x) => (
              <li key={x.id}>
                <time dateTime={x.startedAt} title={whenFull(x.startedAt)}>
                  {when(x.startedAt)}
                </time>{' '}
                · {words(x.channel)} · {nameOf(people, x.officerId)}
                {x.durationSeconds != null && ` · ${seconds(x.durationSeconds)}`}
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p className="muted">No customer on record for this case.</p>
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
