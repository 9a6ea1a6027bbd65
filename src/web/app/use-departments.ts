import { useEffect, useState } from 'react';
import { api } from './api.ts';
import type { DepartmentDto } from './types.ts';

// Components mounting together (a form and its directory picker) share one request.
const inFlight = new Map<string, Promise<DepartmentDto[]>>();
function fetchDepartments(path: string): Promise<DepartmentDto[]> {
  let p = inFlight.get(path);
  if (!p) {
    p = api<{ items: DepartmentDto[] }>('GET', path)
      .then((r) => r.items)
      .finally(() => inFlight.delete(path));
    inFlight.set(path, p);
  }
  return p;
}

/** The directory (departments and outside parties); inactive ones only when asked. */
export function useDepartments(includeInactive = false): DepartmentDto[] {
  const [items, setItems] = useState<DepartmentDto[]>([]);
  useEffect(() => {
    void fetchDepartments(`/departments${includeInactive ? '?includeInactive=true' : ''}`).then(setItems);
  }, [includeInactive]);
  return items;
}
