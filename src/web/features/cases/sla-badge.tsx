import type { CaseDto } from '../../app/types.ts';
import { useT } from '../../i18n/index.ts';
import { dueIn, whenFull } from '../../ui/format.ts';

/** The SLA state of a case in words and colour (never colour alone), and the time left in words. */
export function SlaBadge({ c }: { c: Pick<CaseDto, 'slaState' | 'slaDueAt'> }) {
  const t = useT();
  return (
    <span className={`sla sla-${c.slaState}`} data-sla={c.slaState}>
      {t(`cases.sla.${c.slaState}`)}
      {c.slaDueAt && (
        <>
          {' · '}
          <time dateTime={c.slaDueAt} title={whenFull(c.slaDueAt)}>
            {t('cases.sla.due', { when: dueIn(c.slaDueAt) })}
          </time>
        </>
      )}
    </span>
  );
}
