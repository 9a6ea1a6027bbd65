import { useState } from 'react';
import type { ApiError } from '../../app/api.ts';
import {
  type Category,
  CHANNELS,
  Choices,
  CRITICALITIES,
  FieldAt,
  type PolicyConditionsDto,
  PRIORITIES,
  TYPES,
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
      <legend>Applies to cases that are…</legend>
      <p className="hint">Every group with a tick must hold; a group left empty matches any case.</p>
      <div className="condition-grid">
        <Choices
          legend="Type"
          options={TYPES}
          value={value.types}
          onChange={(v) => set('types', v)}
          error={error}
          at={at('types')}
        />
        <Choices
          legend="Criticality"
          options={CRITICALITIES}
          value={value.criticalities}
          onChange={(v) => set('criticalities', v)}
          error={error}
          at={at('criticalities')}
        />
        <Choices
          legend="Priority"
          options={PRIORITIES}
          value={value.priorities}
          onChange={(v) => set('priorities', v)}
          error={error}
          at={at('priorities')}
        />
        <Choices
          legend="First contact's channel"
          options={CHANNELS}
          value={value.channels}
          onChange={(v) => set('channels', v)}
          error={error}
          at={at('channels')}
        />
        {categoryOptions.length > 0 && (
          <Choices
            legend="Category"
            options={categoryOptions}
            value={value.categoryIds}
            onChange={(v) => set('categoryIds', v)}
            error={error}
            at={at('categoryIds')}
          />
        )}
      </div>
      <FieldAt
        label="Customer segments"
        at={at('segments')}
        error={error}
        hint="Comma-separated, e.g. premium, business; empty for any"
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
