import { useEffect, useState } from 'react';
import { ApiError, api } from '../../app/api.ts';
import type { CaseDto, CategoryDto } from '../../app/types.ts';
import { useDepartments } from '../../app/use-departments.ts';
import { useT } from '../../i18n/index.ts';
import { FieldMessage } from '../../ui/field.tsx';
import { ProblemText } from '../../ui/problem.tsx';
import { DepartmentSelect } from '../directory/department-select.tsx';
import type { ContactDraft } from './use-contact.ts';

const TYPES = ['general_enquiry', 'request_for_action', 'complaint', 'compliment', 'feedback'] as const;

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
  const t = useT();
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
        // Checked before sending, in the server's terms, so it shows beside the field like the server's own.
        new ApiError({
          type: 'about:blank',
          title: 'The request is not valid',
          status: 400,
          code: 'request.invalid',
          errors: [{ field: '/body/departmentId', message: 'is required', rule: 'required' }],
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
        <legend>{t('contact.outcome.legend')}</legend>
        <div className="row">
          <label>
            {t('contact.outcome.type')}
            <select value={type} onChange={(e) => onChange({ type: e.target.value as typeof type })}>
              {TYPES.map((v) => (
                <option key={v} value={v}>
                  {t(`contact.outcome.types.${v}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('contact.outcome.category')}
            <select value={categoryId} onChange={(e) => onChange({ categoryId: e.target.value })}>
              <option value="">—</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id} data-i18n-skip>
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
            {t('contact.outcome.critical')}
          </label>
        </div>
        <div role="radiogroup" aria-label={t('contact.outcome.outcome')} className="row">
          {(
            [
              ['resolve', t('contact.outcome.resolve')],
              ['follow_up', t('contact.outcome.followUp')],
              ['refer', critical ? t('contact.outcome.escalate') : t('contact.outcome.refer')],
              ['signpost', t('contact.outcome.signpost')],
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
              label={outcome === 'refer' ? t('contact.outcome.department') : t('contact.outcome.directory')}
              value={departmentId}
              onChange={(id) => onChange({ departmentId: id, numberGiven: '' })}
              withOutsideParties={outcome === 'signpost'}
              detailed
            />
            <FieldMessage error={error} name="departmentId" label={t('contact.outcome.department')} />
          </div>
        )}
        {outcome === 'signpost' && dept && (
          <label>
            {t('contact.outcome.numberGiven')}
            <input
              value={numberGiven || dept.phone || ''}
              onChange={(e) => onChange({ numberGiven: e.target.value })}
            />
            <FieldMessage error={error} name="contactNumberGiven" label={t('contact.outcome.numberField')} />
          </label>
        )}
        <label>
          {outcome === 'resolve' ? t('contact.outcome.summary') : t('contact.outcome.reasonNote')}
          <textarea
            id="outcome-summary"
            value={summary}
            onChange={(e) => onChange({ summary: e.target.value })}
            rows={3}
            aria-invalid={!!error?.fieldMessage('resolutionSummary')}
          />
        </label>
        <FieldMessage error={error} name="resolutionSummary" label={t('contact.outcome.summary')} />
        <FieldMessage error={error} name="reason" label={t('contact.outcome.reason')} />
        {outcome === 'resolve' && (
          <label className="check">
            <input
              type="checkbox"
              checked={confirmed}
              onChange={(e) => onChange({ confirmed: e.target.checked })}
            />{' '}
            {t('contact.outcome.confirmed')}
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
          {busy ? t('contact.outcome.saving') : t('contact.outcome.save')}
        </button>
        {draft.savingCaseId && <p className="hint">{t('contact.outcome.savedOnce')}</p>}
        {error && !error.problem.errors?.length && (
          <p role="alert" className="error">
            <ProblemText error={error} />
          </p>
        )}
      </div>
    </>
  );
}
