import { useId, useState } from 'react';
import type { ChatSiteLinkDto } from '../../../shared/contracts/chat.ts';
import { ApiError, api } from '../../app/api.ts';
import { nameOf, useColleagues } from '../../app/use-directory.ts';
import { useT } from '../../i18n/index.ts';
import { whenFull } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';

/**
 * A chat's site sign-in on the contact in progress (issue 14, point 3). The site says who is signed
 * in, not that it is this customer: the link was made from the e-mail the visitor typed. So the
 * officer verifies as usual, then confirms the site account as this customer (from then its sign-in
 * counts as the policy says), or unlinks it when the answers show someone else.
 */
export function SiteSignIn({
  caseId,
  link,
  verified,
  onChanged,
}: {
  caseId: string;
  link: ChatSiteLinkDto;
  /** The customer is verified on the officer's contact: only then may they confirm. */
  verified: boolean;
  onChanged(link: ChatSiteLinkDto): void;
}) {
  const t = useT();
  const people = useColleagues();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const lineId = useId();
  const act = async (method: 'POST' | 'DELETE', path: string) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onChanged(await api<ChatSiteLinkDto>(method, `/cases/${caseId}/chat/site-link${path}`));
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else throw err;
    } finally {
      setBusy(false);
    }
  };
  const id = link.externalId;
  return (
    <div className="site-sign-in">
      <p id={lineId} data-testid="site-sign-in" className={link.state === 'confirmed' ? 'ok' : 'warn-text'}>
        {link.state === 'confirmed'
          ? t('contact.siteSignIn.confirmed', {
              id,
              who: nameOf(people, link.confirmedBy),
              when: link.confirmedAt ? whenFull(link.confirmedAt) : '',
            })
          : link.state === 'unconfirmed'
            ? t('contact.siteSignIn.unconfirmed', { id })
            : t('contact.siteSignIn.unlinked', { id })}
      </p>
      {link.state !== 'confirmed' && (
        <button
          type="button"
          disabled={!verified || busy}
          aria-describedby={lineId}
          onClick={() => void act('POST', '/confirm')}
        >
          {t('contact.siteSignIn.confirm')}
        </button>
      )}{' '}
      {link.state !== 'unlinked' && (
        <button
          type="button"
          className="secondary"
          disabled={busy}
          aria-describedby={lineId}
          onClick={() => void act('DELETE', '')}
        >
          {t('contact.siteSignIn.unlink')}
        </button>
      )}
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
    </div>
  );
}
