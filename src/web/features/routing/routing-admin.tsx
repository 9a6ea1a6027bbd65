import { Fragment, useCallback, useEffect, useState } from 'react';
import {
  ROUTED_CHANNELS,
  type RoutingProfileDto,
  type RoutingQueueDto,
  type RoutingQueueStateDto,
} from '../../../shared/contracts/routing.ts';
import { api } from '../../app/api.ts';
import type { UserDto } from '../../app/types.ts';
import { useTeams } from '../../app/use-directory.ts';
import { useT } from '../../i18n/index.ts';
import { languageName } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { ProfileEditor } from './profile-editor.tsx';
import { QueueSettings } from './queue-settings.tsx';
import './routing.css';

/**
 * Administration → Routing (routing.manage: a team leader their own team; supervisors and
 * administrators any): the team's queue settings beside its officers' routing profiles —
 * languages, skills with proficiency, capacity and current load per channel — each edited in place.
 */
export function RoutingAdmin({ user }: { user: UserDto }) {
  const t = useT();
  const teams = useTeams();
  const picks = user.role !== 'team_leader';
  const [teamId, setTeamId] = useState<string>(user.teamId ?? '');
  const [queue, setQueue] = useState<RoutingQueueDto | null>(null);
  const [queues, setQueues] = useState<RoutingQueueDto[]>([]);
  const [profiles, setProfiles] = useState<RoutingProfileDto[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Without a team of one's own, the first team is shown first.
  useEffect(() => {
    if (!teamId && teams[0]) setTeamId(teams[0].id);
  }, [teamId, teams]);
  const load = useCallback(async () => {
    if (!teamId) return;
    setError(null);
    try {
      // Reading the team's queue makes it if it was never needed, so its settings can be set first.
      const [state, list, people] = await Promise.all([
        api<RoutingQueueStateDto>('GET', `/routing/queue?teamId=${teamId}`),
        api<{ items: RoutingQueueDto[] }>('GET', '/routing/queues'),
        api<{ items: RoutingProfileDto[] }>('GET', `/routing/profiles?teamId=${teamId}`),
      ]);
      setQueue(state.queue);
      setQueues(list.items);
      setProfiles(people.items);
    } catch (e) {
      setError(e);
    }
  }, [teamId]);
  useEffect(() => {
    setEditing(null);
    void load();
  }, [load]);
  return (
    <div className="routing-admin">
      <header>
        <h1>{t('routing.admin.title')}</h1>
        {picks && (
          <span className="team-pick">
            <label htmlFor="routing-admin-team">{t('routing.queue.team')}</label>
            <select id="routing-admin-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
              {teams.map((tm) => (
                <option key={tm.id} value={tm.id} data-i18n-skip>
                  {tm.name}
                </option>
              ))}
            </select>
          </span>
        )}
        <a href="#/routing">{t('routing.links.queue')}</a>
      </header>
      {error ? (
        <p role="alert">
          <ProblemText error={error} />
        </p>
      ) : null}
      {queue ? <QueueSettings key={queue.id} queue={queue} queues={queues} onSaved={setQueue} /> : <div />}
      <section className="profiles" aria-labelledby="profiles-title">
        <h2 id="profiles-title">{t('routing.admin.profilesTitle')}</h2>
        {profiles && profiles.length === 0 && <p className="muted">{t('routing.admin.none')}</p>}
        {profiles && profiles.length > 0 && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('routing.admin.name')}</th>
                  <th scope="col">{t('routing.admin.languages')}</th>
                  <th scope="col">{t('routing.admin.skills')}</th>
                  {ROUTED_CHANNELS.map((ch) => (
                    <th scope="col" key={ch}>
                      {t('routing.admin.capacity', { channel: t(`routing.channel.${ch}`) })}
                    </th>
                  ))}
                  <th scope="col">
                    <span className="sr-only">{t('routing.admin.editShort')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {profiles.map((p) => (
                  <Fragment key={p.userId}>
                    <tr data-user={p.userId}>
                      <th scope="row" data-i18n-skip>
                        {p.displayName}
                      </th>
                      <td>{p.languages.map(languageName).join(', ') || t('common.dash')}</td>
                      <td>
                        {p.skills.length ? (
                          <span data-i18n-skip>{p.skills.map((s) => `${s.name} ${s.level}`).join(', ')}</span>
                        ) : (
                          <span className="muted">{t('routing.admin.noSkills')}</span>
                        )}
                      </td>
                      {ROUTED_CHANNELS.map((ch) => (
                        <td key={ch} className="num">
                          {p.load[ch]} / {p.capacity[ch]}
                        </td>
                      ))}
                      <td>
                        <button
                          type="button"
                          className="secondary"
                          aria-label={t('routing.admin.edit', { name: p.displayName })}
                          aria-expanded={editing === p.userId}
                          onClick={() => setEditing(editing === p.userId ? null : p.userId)}
                        >
                          {t('routing.admin.editShort')}
                        </button>
                      </td>
                    </tr>
                    {editing === p.userId && (
                      <tr>
                        <td colSpan={4 + ROUTED_CHANNELS.length} className="editor">
                          <ProfileEditor
                            profile={p}
                            onCancel={() => setEditing(null)}
                            onSaved={(saved) => {
                              setProfiles((xs) =>
                                (xs ?? []).map((x) => (x.userId === saved.userId ? saved : x)),
                              );
                              setEditing(null);
                            }}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
