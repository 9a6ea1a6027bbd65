import { useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { RoutingTaken } from '../../../shared/contracts/routing.ts';
import { api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { useMyRouting } from './use-my-routing.ts';
import './routing.css';

/**
 * "Next e-mail" in the top bar, only where the officer's queue leaves e-mail to be pulled: takes
 * the next item they may handle within their capacity and opens it, or says there is none.
 */
export function PullButton({ userId }: { userId: string }) {
  const t = useT();
  const { mine } = useMyRouting(userId);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<unknown>(null);
  useEffect(() => {
    if (!note) return;
    const id = setTimeout(() => setNote(null), 6000);
    return () => clearTimeout(id);
  }, [note]);
  if (!mine?.emailPull) return null;
  const pull = async () => {
    if (busy) return;
    setBusy(true);
    setNote(null);
    try {
      const { item } = await api<{ item: Static<typeof RoutingTaken> | null }>('POST', '/routing/pull');
      if (item) go(`/cases/${item.caseId}`);
      else setNote(t('routing.pull.none'));
    } catch (e) {
      setNote(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="pull-next">
      <button
        type="button"
        id="pull-next"
        title={t('routing.pull.help')}
        disabled={busy}
        onClick={() => void pull()}
      >
        {busy ? t('routing.pull.busy') : t('routing.pull.next')}
      </button>
      <span role="status">
        {note ? (
          <span className="pull-none">
            <ProblemText error={note} />
          </span>
        ) : null}
      </span>
    </span>
  );
}
