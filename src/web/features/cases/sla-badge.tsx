import type { CaseDto } from '../../app/types.ts';
import { dueIn, whenFull } from '../../ui/format.ts';

const LABEL: Record<CaseDto['slaState'], string> = {
  none: 'No SLA',
  ok: 'On time',
  due_soon: 'Due soon',
  breached: 'Breached',
  paused: 'Paused',
};

/** The SLA state of a case in words and colour (never colour alone), and the time left in words. */
export function SlaBadge({ c }: { c: Pick<CaseDto, 'slaState' | 'slaDueAt'> }) {
  return (
    <span className={`sla sla-${c.slaState}`} data-sla={c.slaState}>
      {LABEL[c.slaState]}
      {c.slaDueAt && (
        <>
          {' · '}
          <time dateTime={c.slaDueAt} title={whenFull(c.slaDueAt)}>
            due {dueIn(c.slaDueAt)}
          </time>
        </>
      )}
    </span>
  );
}
