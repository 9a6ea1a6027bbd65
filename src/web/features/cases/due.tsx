import { useT } from '../../i18n/index.ts';
import { whenFull } from '../../ui/format.ts';

/** A due time, marked when it has passed by this browser's clock (queues show the server's SLA state instead). */
export function Due({ at, label }: { at: string | null; label?: string }) {
  const t = useT();
  if (!at) return <span>—</span>;
  const overdue = Date.parse(at) < Date.now();
  return (
    <time dateTime={at} className={overdue ? 'overdue' : undefined}>
      {label ? `${label} ` : ''}
      {whenFull(at)}
      {overdue ? t('cases.due.overdue') : ''}
    </time>
  );
}
