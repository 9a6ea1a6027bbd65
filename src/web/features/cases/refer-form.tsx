import { useState } from 'react';
import { ApiError } from '../../app/api.ts';
import type { ProblemDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { DepartmentSelect } from '../directory/department-select.tsx';
import { isConflict } from './conflict.tsx';

/** Refer the case to a department's queue (urgent escalates it). */
export function ReferForm({
  caseId,
  version,
  onDone,
  onConflict,
}: {
  caseId: string;
  version: number;
  onDone(): Promise<void>;
  onConflict(p: ProblemDto): void;
}) {
  const t = useT();
  const [departmentId, setDepartmentId] = useState('');
  const [reason, setReason] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = useSubmit();
  const refer = async () => {
    setError(null);
    try {
      await submit.run(async (send) => {
        await send(
          'POST',
          `/cases/${caseId}/referrals`,
          { mode: 'transfer', departmentId: departmentId || null, reason, urgent },
          { headers: { 'if-match': `"${version}"` } },
        );
        setReason('');
        await onDone();
      });
    } catch (e) {
      if (isConflict(e)) onConflict(e.problem);
      else if (e instanceof ApiError) setError(e);
      else throw e;
    }
  };
  return (
    <fieldset>
      <legend>{t('cases.refer.legend')}</legend>
      <div className="row">
        <div>
          <DepartmentSelect
            label={t('cases.refer.department')}
            value={departmentId}
            onChange={setDepartmentId}
          />
          {error?.fieldMessage('departmentId') && (
            <span className="error">
              {t('cases.refer.departmentError', { message: error.fieldMessage('departmentId') ?? '' })}
            </span>
          )}
        </div>
        <label className="grow">
          {t('cases.refer.reason')}
          <input value={reason} onChange={(e) => setReason(e.target.value)} />
          {error?.fieldMessage('reason') && (
            <span className="error">
              {t('cases.refer.reasonError', { message: error.fieldMessage('reason') ?? '' })}
            </span>
          )}
        </label>
        <label className="check">
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} />{' '}
          {t('cases.refer.urgent')}
        </label>
        <button type="button" disabled={submit.busy} aria-busy={submit.busy} onClick={() => void refer()}>
          {t('cases.refer.refer')}
        </button>
      </div>
      {error && !error.problem.errors && (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      )}
    </fieldset>
  );
}
