import { useEffect, useState } from 'react';
import { api } from './api.ts';
import type { DepartmentDto } from './types.ts';

/** The directory (departments and outside parties); inactive ones only when asked. */
export function useDepartments(includeInactive = false): DepartmentDto[] {
  const [items, setItems] = useState<DepartmentDto[]>([]);
  useEffect(() => {
    void api<{ items: DepartmentDto[] }>(
      'GET',
      `/departments${includeInactive ? '?includeInactive=true' : ''}`,
    ).then((r) => setItems(r.items));
  }, [includeInactive]);
  return items;
}
