import { useEffect, useState } from 'react';
import type { SmsRecipientDto } from '../../../../shared/contracts/sms.ts';
import { smsSegments } from '../../../../shared/sms-segments.ts';
import { api } from '../../../app/api.ts';
import { useT } from '../../../i18n/index.ts';
import { whenFull } from '../../../ui/format.ts';
import { usePhoneWords } from '../../../ui/phone.ts';

/**
 * Who a text on the case would go to; asked again when the case changes (`changes`: a new message,
 * or a new timeline line — STOP and START are no message, only a line). Null until known or when
 * not offered.
 */
export function useSmsRecipient(caseId: string, changes: number): SmsRecipientDto | null {
  const [r, setR] = useState<SmsRecipientDto | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the count of changes is the trigger
  useEffect(() => {
    let live = true;
    api<SmsRecipientDto>('GET', `/cases/${caseId}/sms-recipient`).then(
      (x) => live && setR(x),
      // Without it the composer offers no SMS; nothing else depends on it.
      () => {},
    );
    return () => {
      live = false;
    };
  }, [caseId, changes]);
  return r;
}

/**
 * The SMS part of the composer: to and from which number, and — before sending — how many segments
 * the text takes and how many characters are left in the last one (the shared count the provider
 * bills by), or why nothing can be sent (the number opted out, no number to send from).
 */
export function SmsCompose({ recipient, body }: { recipient: SmsRecipientDto; body: string }) {
  const t = useT();
  const phone = usePhoneWords();
  const s = smsSegments(body);
  // The composer's Send is disabled too: the server would refuse it (409 sms.opted_out).
  if (recipient.optedOut)
    return (
      <p className="sms-compose warn" role="status">
        {t('sms.optedOut', { date: recipient.optedOutAt ? whenFull(recipient.optedOutAt) : '—' })}
      </p>
    );
  return (
    <div className="sms-compose row">
      <span className="muted small">
        {recipient.from
          ? t('sms.to', { to: phone(recipient.to ?? ''), from: phone(recipient.from) })
          : t('sms.noSender')}
      </span>
      <span className="small" aria-live="polite" data-testid="sms-segments">
        {t('sms.segments', { count: Math.max(s.segments, 1), left: s.remaining })}
        {s.encoding === 'ucs2' ? ` · ${t('sms.unicode')}` : ''}
      </span>
    </div>
  );
}
