import { useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';

/** Tick the teams whose members must read something. */
export function TeamPicker({ value, onChange }: { value: string[]; onChange(ids: string[]): void }) {
  const t = useT();
  const [teams, setTeams] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    void api<{ items: { id: string; name: string }[] }>('GET', '/teams').then((r) => setTeams(r.items));
  }, []);
  return (
    <fieldset>
      <legend>{t('kbTeams.legend')}</legend>
      {teams.map((team) => (
        <label key={team.id} className="check">
          <input
            type="checkbox"
            checked={value.includes(team.id)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, team.id] : value.filter((v) => v !== team.id))
            }
          />{' '}
          <span data-i18n-skip>{team.name}</span>
        </label>
      ))}
    </fieldset>
  );
}
