import { useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { Category } from '../../shared/contracts/cases.ts';
import type { Team } from '../../shared/contracts/people.ts';
import type { ColleagueDto } from '../../shared/contracts/workspace.ts';
import { t } from '../i18n/index.ts';
import { api } from './api.ts';

export type TeamDto = Static<typeof Team>;
export type CategoryDto = Static<typeof Category>;
export type { ColleagueDto };

/**
 * Reference lists that change rarely (colleagues, teams, case categories): fetched once per page
 * load and shared by every component that names or picks one.
 */
const cache = new Map<string, Promise<unknown[]>>();
function load<T>(path: string): Promise<T[]> {
  let p = cache.get(path);
  if (!p) {
    p = api<{ items: T[] }>('GET', path).then(
      (r) => r.items,
      (e: unknown) => {
        cache.delete(path); // a failure is not remembered: the next mount tries again
        throw e;
      },
    );
    cache.set(path, p);
  }
  return p as Promise<T[]>;
}

function useList<T>(path: string): T[] {
  const [items, setItems] = useState<T[]>([]);
  useEffect(() => {
    let live = true;
    load<T>(path).then(
      (x) => live && setItems(x),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [path]);
  return items;
}

export const useColleagues = () => useList<ColleagueDto>('/colleagues');
export const useTeams = () => useList<TeamDto>('/teams');
export const useCategories = () => useList<CategoryDto>('/case-categories');

/** id → display name, for authors and owners. */
export function nameOf(people: ColleagueDto[], id: string | null | undefined): string {
  if (!id) return '—';
  // What the system recorded (an e-mail that opened a case, its contact): no person did it.
  if (id === 'system') return t('common.automatic');
  return people.find((p) => p.id === id)?.displayName ?? 'a colleague';
}
