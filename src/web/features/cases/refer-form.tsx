import { useState } from 'react';
import { ApiError } from '../../app/api.ts';
import type { ProblemDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
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
      <legend>Refer to a department</legend>
      <div className="row">
        <div>
          <DepartmentSelect label="Department" value={departmentId} onChange={setDepartmentId} />
          {error?.fieldMessage('departmentId') && (
            <span className="error">Department {error.fieldMessage('departmentId')}</span>
          )}
        </div>
        <label className="grow">
          Reason
          <input value={reason} onChange={(e) => setReason(e.target.value)} />
          {error?.fieldMessage('reason') && (
            <span className="error">Reason {error.fieldMessage('reason')}</span>
          )}
        </label>
        <label className="check">
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} /> Urgent
        </label>
        <button type="button" disabled={submit.busy} aria-busy={submit.busy} onClick={() => void refer()}>
          Refer
        </button>
      </div>
      {error && !error.problem.errors && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
    </fieldset>
  );
}
