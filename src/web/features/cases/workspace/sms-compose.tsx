import { useEffect, useState } from 'react';
import type { SmsRecipientDto } from '../../../../shared/contracts/sms.ts';
import { smsSegments } from '../../../../shared/sms-segments.ts';
import { api } from '../../../app/api.ts';
import { useT } from '../../../i18n/index.ts';

/** Who a text on the case would go to; asked again when the conversation changes. Null until known or when not offered. */
export function useSmsRecipient(caseId: string, messages: number): SmsRecipientDto | null {
  const [r, setR] = useState<SmsRecipientDto | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the message count is the trigger
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
  }, [caseId, messages]);
  return r;
}

/**
 * The SMS part of the composer: to and from which number, and — before sending — how many segments
 * the text takes and how many characters are left in the last one (the shared count the provider
 * bills by), or why nothing can be sent (the number opted out, no number to send from).
 */
export function SmsCompose({ recipient, body }: { recipient: SmsRecipientDto; body: string }) {
  const t = useT();
  const s = smsSegments(body);
  if (recipient.optedOut)
    return (
      <p className="sms-compose warn" role="status">
        {t('sms.optedOut')}
      </p>
    );
  return (
    <div className="sms-compose row">
      <span className="muted small">
        {recipient.from ? t('sms.to', { to: recipient.to ?? '', from: recipient.from }) : t('sms.noSender')}
      </span>
      <span className="small" aria-live="polite" data-testid="sms-segments">
        {t('sms.segments', { count: Math.max(s.segments, 1), left: s.remaining })}
        {s.encoding === 'ucs2' ? ` · ${t('sms.unicode')}` : ''}
      </span>
    </div>
  );
}
