import { type FormEvent, useState } from 'react';
import { ROUTED_CHANNELS, type RoutingProfileDto } from '../../../shared/contracts/routing.ts';
import { api } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import { languageName } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';

type Skill = { name: string; level: number };
const LEVELS = [1, 2, 3, 4, 5];

/**
 * One officer's routing profile, edited in place: languages (codes, comma separated), skills with
 * their proficiency, and how many items of each channel at once. Saving replaces the profile
 * (PUT); the load is the server's and stays.
 */
export function ProfileEditor({
  profile,
  onSaved,
  onCancel,
}: {
  profile: RoutingProfileDto;
  onSaved: (p: RoutingProfileDto) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const [languages, setLanguages] = useState(profile.languages.join(', '));
  const [skills, setSkills] = useState<Skill[]>(profile.skills);
  const [capacity, setCapacity] = useState(profile.capacity);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const codes = languages
    .split(/[\s,]+/)
    .map((l) => l.trim())
    .filter(Boolean);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const body = {
        languages: codes,
        skills: skills.filter((s) => s.name.trim()).map((s) => ({ name: s.name.trim(), level: s.level })),
        capacity,
      };
      onSaved(await api<RoutingProfileDto>('PUT', `/routing/profiles/${profile.userId}`, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const setSkill = (i: number, s: Partial<Skill>) =>
    setSkills((xs) => xs.map((x, j) => (j === i ? { ...x, ...s } : x)));
  return (
    <form
      aria-label={t('routing.admin.editing', { name: profile.displayName })}
      onSubmit={(e) => void save(e)}
    >
      <label>
        {t('routing.admin.languages')}{' '}
        <input
          id="profile-languages"
          value={languages}
          onChange={(e) => setLanguages(e.target.value)}
          aria-describedby="profile-languages-help"
          size={16}
        />
        <small id="profile-languages-help" className="muted">
          {' '}
          {t('routing.admin.languagesHelp')}
        </small>{' '}
        {/* The codes typed, by name in the reader's locale: "ms" is Malay, not Mongolian. */}
        <output htmlFor="profile-languages" data-testid="profile-language-names" data-i18n-skip>
          {codes.map(languageName).join(', ')}
        </output>
      </label>
      <fieldset>
        <legend>{t('routing.admin.skills')}</legend>
        <ul className="skills">
          {skills.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a skill being typed has no other identity
            <li key={i}>
              <label>
                {t('routing.admin.skillName')}{' '}
                <input
                  value={s.name}
                  onChange={(e) => setSkill(i, { name: e.target.value.toLowerCase() })}
                  pattern="[a-z0-9][a-z0-9_\-]*"
                  maxLength={60}
                  size={12}
                />
              </label>
              <label>
                {t('routing.admin.level')}{' '}
                <select value={s.level} onChange={(e) => setSkill(i, { level: Number(e.target.value) })}>
                  {LEVELS.map((l) => (
                    <option key={l} value={l}>
                      {l}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="secondary"
                aria-label={t('routing.admin.removeSkill', { name: s.name })}
                onClick={() => setSkills((xs) => xs.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="secondary"
          onClick={() => setSkills((xs) => [...xs, { name: '', level: 3 }])}
        >
          {t('routing.admin.addSkill')}
        </button>
      </fieldset>
      {ROUTED_CHANNELS.map((ch) => (
        <label key={ch}>
          {t('routing.admin.capacityOf', { channel: t(`routing.channel.${ch}`) })}{' '}
          <input
            type="number"
            min={0}
            max={20}
            value={capacity[ch]}
            onChange={(e) => setCapacity((c) => ({ ...c, [ch]: Number(e.target.value) }))}
          />
        </label>
      ))}
      <span>
        <button type="submit" disabled={busy}>
          {t('routing.admin.saveProfile')}
        </button>{' '}
        <button type="button" className="secondary" onClick={onCancel}>
          {t('routing.admin.cancel')}
        </button>
      </span>
      {error ? (
        <p role="alert">
          <ProblemText error={error} />
        </p>
      ) : null}
    </form>
  );
}
