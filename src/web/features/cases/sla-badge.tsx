import type { CaseDto } from '../../app/types.ts';

const LABEL: Record<CaseDto['slaState'], string> = {
  none: 'No SLA',
  ok: 'On time',
  due_soon: 'Due soon',
  breached: 'Breached',
  paused: 'Paused',
};

/** The SLA state of a case in words and colour (never colour alone), with the next due time. */
export function SlaBadge({ c }: { c: Pick<CaseDto, 'slaState' | 'slaDueAt'> }) {
  return (
    <span className={`sla sla-${c.slaState}`} data-sla={c.slaState}>
      {LABEL[c.slaState]}
      {c.slaDueAt && (
        <>
          {' · '}
          <time dateTime={c.slaDueAt}>{new Date(c.slaDueAt).toLocaleString()}</time>
        </>
      )}
    </span>
  );
}
