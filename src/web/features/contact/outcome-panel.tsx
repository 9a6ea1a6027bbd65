import { useEffect, useState } from 'react';
import { ApiError, api } from '../../app/api.ts';
import type { CaseDto, CategoryDto } from '../../app/types.ts';
import { useDepartments } from '../../app/use-departments.ts';
import { FieldMessage } from '../../ui/field.tsx';
import { DepartmentSelect } from '../directory/department-select.tsx';
import type { ContactDraft } from './use-contact.ts';

const TYPES = [
  ['general_enquiry', 'General enquiry'],
  ['request_for_action', 'Request for action'],
  ['complaint', 'Complaint'],
  ['compliment', 'Compliment'],
  ['feedback', 'Feedback'],
] as const;

/**
 * Classify the enquiry, then resolve now, follow up, escalate/refer, or signpost when needs cannot
 * be met. Controlled by the contact's server-kept draft; every step of a save carries an
 * Idempotency-Key derived from the draft's save key, so a double-click, a retry after a failure or a
 * reload mid-save repeats the save instead of doubling it.
 */
export function OutcomePanel({
  contactId,
  draft,
  onChange,
  onSaving,
  onDone,
}: {
  contactId: string;
  draft: ContactDraft;
  onChange(change: Partial<ContactDraft>): void;
  /** The case exists (the first step succeeded): remember it before the next step. */
  onSaving(caseId: string): Promise<void>;
  onDone(c: CaseDto): void;
}) {
  const { type, categoryId, critical, outcome, summary, confirmed, departmentId, numberGiven } = draft;
  const [categories, setCategories] = useState<CategoryDto[]>([]);
  const departments = useDepartments();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api<{ items: CategoryDto[] }>('GET', '/case-categories').then((r) => setCategories(r.items));
  }, []);
  const dept = departments.find((d) => d.id === departmentId);
  const key = (step: string) => ({ headers: { 'idempotency-key': `${draft.saveKey}:${step}` } });

  const submit = async () => {
    if (busy) return;
    setError(null);
    if ((outcome === 'refer' || outcome === 'signpost') && !departmentId) {
      setError(
        new ApiError({
          type: 'about:blank',
          title: 'Choose where to refer the customer',
          status: 400,
          code: 'request.invalid',
          errors: [{ field: '/body/departmentId', message: 'is required' }],
        }),
      );
      return;
    }
    setBusy(true);
    try {
      const subject = draft.enquiry.split('\n')[0]!.slice(0, 300) || 'Enquiry';
      // The case as created (or, on a retry, as it stands now): its version guards the next step.
      let saved: CaseDto;
      if (!draft.savingCaseId) {
        saved = await api<CaseDto>(
          'POST',
          '/cases',
          {
            contactId,
            type,
            subject,
            description: draft.enquiry || null,
            categoryId: categoryId || null,
            criticality: critical ? 'highly_critical' : 'not_highly_critical',
          },
          key('case'),
        );
        await onSaving(saved.id);
      } else {
        saved = await api<CaseDto>('GET', `/cases/${draft.savingCaseId}`);
      }
      const caseId = saved.id;
      const step = (name: string) => ({
        headers: { ...key(name).headers, 'if-match': `"${saved.version}"` },
      });
      if (outcome === 'resolve') {
        await api<CaseDto>(
          'POST',
          `/cases/${caseId}/transitions`,
          { action: 'resolve', resolutionSummary: summary, customerConfirmed: confirmed },
          step('resolve'),
        );
      } else if (outcome === 'refer') {
        await api(
          'POST',
          `/cases/${caseId}/referrals`,
          { mode: 'transfer', departmentId, reason: summary || subject, urgent: critical },
          step('refer'),
        );
      } else if (outcome === 'signpost') {
        await api(
          'POST',
          `/cases/${caseId}/referrals`,
          {
            mode: 'signpost',
            departmentId,
            reason: summary || subject,
            ...(numberGiven || dept?.phone ? { contactNumberGiven: numberGiven || dept?.phone } : {}),
          },
          step('signpost'),
        );
      }
      onDone(await api<CaseDto>('GET', `/cases/${caseId}`));
    } catch (e) {
      if (e instanceof ApiError) setError(e);
      else throw e;
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <fieldset className="outcome">
        <legend>Classify and act</legend>
        <div className="row">
          <label>
            Type
            <select value={type} onChange={(e) => onChange({ type: e.target.value as typeof type })}>
              {TYPES.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label>
            Category
            <select value={categoryId} onChange={(e) => onChange({ categoryId: e.target.value })}>
              <option value="">—</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.path}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={critical}
              onChange={(e) => onChange({ critical: e.target.checked })}
            />{' '}
            Highly critical
          </label>
        </div>
        <div role="radiogroup" aria-label="Outcome" className="row">
          {(
            [
              ['resolve', 'Resolve now'],
              ['follow_up', 'Case for follow-up'],
              ['refer', critical ? 'Escalate to department' : 'Refer to department'],
              ['signpost', 'Needs cannot be met'],
            ] as const
          ).map(([v, l]) => (
            <label key={v} className="check">
              <input
                type="radio"
                name="outcome"
                checked={outcome === v}
                onChange={() => onChange({ outcome: v })}
              />{' '}
              {l}
            </label>
          ))}
        </div>
        {(outcome === 'refer' || outcome === 'signpost') && (
          <div>
            <DepartmentSelect
              label={outcome === 'refer' ? 'Department' : 'Department or outside party (directory)'}
              value={departmentId}
              onChange={(id) => onChange({ departmentId: id, numberGiven: '' })}
              withOutsideParties={outcome === 'signpost'}
              detailed
            />
            <FieldMessage error={error} name="departmentId" label="Department" />
          </div>
        )}
        {outcome === 'signpost' && dept && (
          <label>
            Number given to the customer
            <input
              value={numberGiven || dept.phone || ''}
              onChange={(e) => onChange({ numberGiven: e.target.value })}
            />
            <FieldMessage error={error} name="contactNumberGiven" label="Number given" />
          </label>
        )}
        <label>
          {outcome === 'resolve' ? 'Resolution summary' : 'Reason / note'}
          <textarea
            id="outcome-summary"
            value={summary}
            onChange={(e) => onChange({ summary: e.target.value })}
            rows={3}
            aria-invalid={!!error?.fieldMessage('resolutionSummary')}
          />
        </label>
        <FieldMessage error={error} name="resolutionSummary" label="Resolution summary" />
        <FieldMessage error={error} name="reason" label="Reason" />
        {outcome === 'resolve' && (
          <label className="check">
            <input
              type="checkbox"
              checked={confirmed}
              onChange={(e) => onChange({ confirmed: e.target.checked })}
            />{' '}
            Customer confirmed it is resolved to their satisfaction
          </label>
        )}
      </fieldset>
      {/* Outside the fieldset so that it can stick to the foot of the whole column: the save is
          always in sight while the officer scrolls back to the customer or the verification. */}
      <div className="save-bar">
        <button
          id="save-outcome"
          type="button"
          disabled={busy}
          aria-busy={busy}
          onClick={() => void submit()}
        >
          {busy ? 'Saving…' : 'Save outcome'}
        </button>
        {draft.savingCaseId && (
          <p className="hint">The case is saved; saving again only repeats what failed.</p>
        )}
        {error && !error.problem.errors?.length && (
          <p role="alert" className="error">
            {error.message}
          </p>
        )}
      </div>
    </>
  );
}
