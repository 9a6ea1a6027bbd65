import { useState } from 'react';
import type { ApiError } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import {
  type Category,
  Choices,
  channelOptions,
  criticalityOptions,
  FieldAt,
  type PolicyConditionsDto,
  priorityOptions,
  typeOptions,
} from './sla-shared.tsx';

/** The conditions of a policy or an escalation rule: every one given must hold; one left empty matches anything. */
export function ConditionsEditor({
  value,
  onChange,
  categories,
  error,
}: {
  value: PolicyConditionsDto;
  onChange(next: PolicyConditionsDto): void;
  categories: Category[];
  error: ApiError | null;
}) {
  const t = useT();
  const set = <K extends keyof PolicyConditionsDto>(k: K, v: PolicyConditionsDto[K]) => {
    const next = { ...value };
    if (v === undefined) delete next[k];
    else next[k] = v;
    onChange(next);
  };
  // The text as typed (a trailing comma stays); the list is what it means. The parent keys this editor
  // by the record edited, so another record starts from its own segments.
  const [segments, setSegments] = useState((value.segments ?? []).join(', '));
  const at = (k: keyof PolicyConditionsDto) => `/body/conditions/${k}`;
  const categoryOptions = categories
    .filter((c) => c.active || value.categoryIds?.includes(c.id))
    .map((c) => [c.id, c.path] as const);
  return (
    <fieldset className="conditions">
      <legend>{t('slaAdmin.conditions.legend')}</legend>
      <p className="hint">{t('slaAdmin.conditions.hint')}</p>
      <div className="condition-grid">
        <Choices
          legend={t('slaAdmin.conditions.type')}
          options={typeOptions()}
          value={value.types}
          onChange={(v) => set('types', v)}
          error={error}
          at={at('types')}
        />
        <Choices
          legend={t('slaAdmin.conditions.criticality')}
          options={criticalityOptions()}
          value={value.criticalities}
          onChange={(v) => set('criticalities', v)}
          error={error}
          at={at('criticalities')}
        />
        <Choices
          legend={t('slaAdmin.conditions.priority')}
          options={priorityOptions()}
          value={value.priorities}
          onChange={(v) => set('priorities', v)}
          error={error}
          at={at('priorities')}
        />
        <Choices
          legend={t('slaAdmin.conditions.channel')}
          options={channelOptions()}
          value={value.channels}
          onChange={(v) => set('channels', v)}
          error={error}
          at={at('channels')}
        />
        {categoryOptions.length > 0 && (
          <Choices
            legend={t('slaAdmin.conditions.category')}
            options={categoryOptions}
            data
            value={value.categoryIds}
            onChange={(v) => set('categoryIds', v)}
            error={error}
            at={at('categoryIds')}
          />
        )}
      </div>
      <FieldAt
        label={t('slaAdmin.conditions.segments')}
        at={at('segments')}
        error={error}
        hint={t('slaAdmin.conditions.segmentsHint')}
      >
        {(p) => (
          <input
            {...p}
            value={segments}
            onChange={(e) => {
              setSegments(e.target.value);
              const list = e.target.value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean);
              set('segments', list.length ? [...new Set(list)] : undefined);
            }}
          />
        )}
      </FieldAt>
    </fieldset>
  );
}
