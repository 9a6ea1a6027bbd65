import { useEffect, useState } from 'react';
import { ApiError, api } from '../../app/api.ts';
import type { CaseDto, CategoryDto } from '../../app/types.ts';
import { useDepartments } from '../../app/use-departments.ts';
import { FieldMessage } from '../../ui/field.tsx';
import { DepartmentSelect } from '../directory/department-select.tsx';

type Outcome = 'resolve' | 'follow_up' | 'refer' | 'signpost';
const TYPES = [
  ['general_enquiry', 'General enquiry'],
  ['request_for_action', 'Request for action'],
  ['complaint', 'Complaint'],
  ['compliment', 'Compliment'],
  ['feedback', 'Feedback'],
] as const;

/** Classify the enquiry, then resolve now, follow up, escalate/refer, or signpost when needs cannot be met. */
export function OutcomePanel({
  contactId,
  enquiry,
  onDone,
  summary: heldSummary,
  onSummary,
}: {
  contactId: string;
  enquiry: string;
  onDone(c: CaseDto, summary: string): void;
  /** The summary, when the flow holds it (a knowledge answer can be inserted into it). */
  summary?: string;
  onSummary?(summary: string): void;
}) {
  const [type, setType] = useState<(typeof TYPES)[number][0]>('general_enquiry');
  const [categoryId, setCategoryId] = useState('');
  const [critical, setCritical] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>('resolve');
  const [ownSummary, setOwnSummary] = useState('');
  const summary = heldSummary ?? ownSummary;
  const setSummary = onSummary ?? setOwnSummary;
  const [confirmed, setConfirmed] = useState(false);
  const [departmentId, setDepartmentId] = useState('');
  const [numberGiven, setNumberGiven] = useState('');
  const [categories, setCategories] = useState<CategoryDto[]>([]);
  const departments = useDepartments();
  const [error, setError] = useState<ApiError | null>(null);
  // The case, once created: a retry after a failed referral or resolution must not create another.
  const [created, setCreated] = useState<CaseDto | null>(null);
  useEffect(() => {
    void api<{ items: CategoryDto[] }>('GET', '/case-categories').then((r) => setCategories(r.items));
  }, []);
  const dept = departments.find((d) => d.id === departmentId);

  const submit = async () => {
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
    try {
      const subject = enquiry.split('\n')[0]!.slice(0, 300) || 'Enquiry';
      const c =
        created ??
        (await api<CaseDto>('POST', '/cases', {
          contactId,
          type,
          subject,
          description: enquiry || null,
          categoryId: categoryId || null,
          criticality: critical ? 'highly_critical' : 'not_highly_critical',
        }));
      setCreated(c);
      let done = c;
      if (outcome === 'resolve') {
        done = await api<CaseDto>('POST', `/cases/${c.id}/transitions`, {
          action: 'resolve',
          resolutionSummary: summary,
          customerConfirmed: confirmed,
        });
      } else if (outcome === 'refer') {
        await api('POST', `/cases/${c.id}/referrals`, {
          mode: 'transfer',
          departmentId,
          reason: summary || subject,
          urgent: critical,
        });
      } else if (outcome === 'signpost') {
        await api('POST', `/cases/${c.id}/referrals`, {
          mode: 'signpost',
          departmentId,
          reason: summary || subject,
          ...(numberGiven ? { contactNumberGiven: numberGiven } : {}),
        });
      }
      // A referral moves the case (queue, status): show it as it now stands.
      if (outcome === 'refer' || outcome === 'signpost') done = await api<CaseDto>('GET', `/cases/${c.id}`);
      onDone(done, summary);
    } catch (e) {
      if (e instanceof ApiError) setError(e);
      else throw e;
    }
  };

  return (
    <fieldset>
      <legend>Classify and act</legend>
      <div className="row">
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value as typeof type)}>
            {TYPES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Category
          <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
            <option value="">—</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.path}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={critical} onChange={(e) => setCritical(e.target.checked)} /> Highly
          critical
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
            <input type="radio" name="outcome" checked={outcome === v} onChange={() => setOutcome(v)} /> {l}
          </label>
        ))}
      </div>
      {(outcome === 'refer' || outcome === 'signpost') && (
        <div>
          <DepartmentSelect
            label={outcome === 'refer' ? 'Department' : 'Department or outside party (directory)'}
            value={departmentId}
            onChange={setDepartmentId}
            withOutsideParties={outcome === 'signpost'}
            detailed
          />
          <FieldMessage error={error} name="departmentId" label="Department" />
        </div>
      )}
      {outcome === 'signpost' && dept && (
        <label>
          Number given to the customer
          <input value={numberGiven || dept.phone || ''} onChange={(e) => setNumberGiven(e.target.value)} />
          <FieldMessage error={error} name="contactNumberGiven" label="Number given" />
        </label>
      )}
      <label>
        {outcome === 'resolve' ? 'Resolution summary' : 'Reason / note'}
        <textarea
          id="outcome-summary"
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
          rows={3}
          aria-invalid={!!error?.fieldMessage('resolutionSummary')}
        />
      </label>
      <FieldMessage error={error} name="resolutionSummary" label="Resolution summary" />
      <FieldMessage error={error} name="reason" label="Reason" />
      {outcome === 'resolve' && (
        <label className="check">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />{' '}
          Customer confirmed it is resolved to their satisfaction
        </label>
      )}
      {created && (
        <p className="hint">Case {created.reference} is saved; saving again only repeats what failed.</p>
      )}
      {error && !error.problem.errors?.length && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      <button id="save-outcome" type="button" onClick={() => void submit()}>
        Save outcome
      </button>
    </fieldset>
  );
}
