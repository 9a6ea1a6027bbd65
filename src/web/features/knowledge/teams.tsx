import { useEffect, useState } from 'react';
import { api } from '../../app/api.ts';

/** Tick the teams whose members must read something. */
export function TeamPicker({ value, onChange }: { value: string[]; onChange(ids: string[]): void }) {
  const [teams, setTeams] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    void api<{ items: { id: string; name: string }[] }>('GET', '/teams').then((r) => setTeams(r.items));
  }, []);
  return (
    <fieldset>
      <legend>Teams</legend>
      {teams.map((t) => (
        <label key={t.id} className="check">
          <input
            type="checkbox"
            checked={value.includes(t.id)}
            onChange={(e) => onChange(e.target.checked ? [...value, t.id] : value.filter((v) => v !== t.id))}
          />{' '}
          {t.name}
        </label>
      ))}
    </fieldset>
  );
}
