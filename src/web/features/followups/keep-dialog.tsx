import { useEffect, useId, useRef, useState } from 'react';
import { smsSegments } from '../../../shared/sms-segments.ts';
import { ApiError } from '../../app/api.ts';
import type { CommitmentDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';

/** Did the server refuse because the customer has no e-mail address to send to? */
export const noRecipient = (e: unknown) => e instanceof ApiError && e.field('body')?.rule === 'noRecipient';

/**
 * Keeping a promise made by e-mail (000 module 3 task 3 step 7): the officer writes the e-mail here
 * and it goes to the customer on the case's thread. A customer without an address is said so, and
 * recording it as kept without sending is a separate, explicit button. One intent, one
 * Idempotency-Key: a double-click keeps once and sends once.
 */
export function KeepDialog({
  c,
  onClose,
  onKept,
}: {
  c: CommitmentDto;
  onClose: () => void;
  onKept: () => void;
}) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const keeping = useSubmit();
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const keep = async (withoutSending: boolean) => {
    setError(null);
    try {
      await keeping.run(async (send) => {
        await send('POST', `/commitments/${c.id}/keep`, {
          ...(body.trim() ? { body } : {}),
          ...(withoutSending ? { withoutSending: true } : {}),
        });
        onKept();
      });
    } catch (e) {
      setError(e);
    }
  };
  const unreachable = noRecipient(error);
  // A promise to text (issue 14): the same dialog writes the SMS, its segments counted as typed.
  const bySms = c.method === 'sms';
  const segments = smsSegments(body);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className="keep-dialog">
      <h2 id={titleId}>
        {t(bySms ? 'sms.followUp.title' : 'followups.keepTitle', { reference: c.caseReference })}
      </h2>
      {c.note && (
        <p className="muted" data-i18n-skip>
          {c.note}
        </p>
      )}
      <label>
        {bySms ? t('sms.followUp.message') : t('followups.keepMessage')}
        <textarea rows={6} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      {bySms && (
        <p className="small" aria-live="polite">
          {t('sms.segments', { count: Math.max(segments.segments, 1), left: segments.remaining })}
        </p>
      )}
      {unreachable ? (
        <p role="alert" className="error">
          {bySms ? t('sms.followUp.noNumber') : t('followups.noAddress')}
        </p>
      ) : error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
      <div className="row">
        <button
          type="button"
          disabled={keeping.busy || !body.trim() || unreachable}
          aria-busy={keeping.busy}
          onClick={() => void keep(false)}
        >
          {t('followups.sendAndKeep')}
        </button>
        {unreachable && (
          <button type="button" disabled={keeping.busy} onClick={() => void keep(true)}>
            {t('followups.keepWithoutSending')}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => ref.current?.close()}>
          {t('followups.close')}
        </button>
      </div>
    </dialog>
  );
}
