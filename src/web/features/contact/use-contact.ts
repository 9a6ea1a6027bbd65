import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../../app/api.ts';
import { useInvalidation } from '../../app/live.tsx';
import type { CaseDto, ContactDto, CustomerDto } from '../../app/types.ts';

export type Outcome = 'resolve' | 'follow_up' | 'refer' | 'signpost';
export type CaseType = 'general_enquiry' | 'request_for_action' | 'complaint' | 'compliment' | 'feedback';

/**
 * The unsaved parts of the contact's form. Kept on the server per contact (PUT /contacts/:id/draft),
 * so leaving the screen or reloading brings back exactly what was typed and chosen.
 */
export interface ContactDraft {
  unknown: boolean;
  enquiry: string;
  type: CaseType;
  categoryId: string;
  critical: boolean;
  outcome: Outcome;
  /** The resolution summary, or the reason / note for the other outcomes. */
  summary: string;
  confirmed: boolean;
  departmentId: string;
  numberGiven: string;
  anythingElse: boolean;
  wrapUp: string;
  /** The Idempotency-Key stem of the save in progress: a retry, a double-click or a reload repeats it, never doubles it. */
  saveKey: string;
  /** The case the save in progress already created (a retry only repeats the steps that failed). */
  savingCaseId: string | null;
  /** "Anything else?": the officer opened the form for another enquiry on the same contact. */
  another: boolean;
}

export const newKey = (): string => crypto.randomUUID();

export const blankEnquiry = (): Pick<
  ContactDraft,
  | 'enquiry'
  | 'type'
  | 'categoryId'
  | 'critical'
  | 'outcome'
  | 'summary'
  | 'confirmed'
  | 'departmentId'
  | 'numberGiven'
  | 'saveKey'
  | 'savingCaseId'
> => ({
  enquiry: '',
  type: 'general_enquiry',
  categoryId: '',
  critical: false,
  outcome: 'resolve',
  summary: '',
  confirmed: false,
  departmentId: '',
  numberGiven: '',
  saveKey: newKey(),
  savingCaseId: null,
});

const blankDraft = (): ContactDraft => ({
  unknown: false,
  anythingElse: false,
  wrapUp: '',
  another: false,
  ...blankEnquiry(),
});

/** A stored draft, with anything missing or of the wrong kind (an older desktop's) set to its blank value. */
function readDraft(data: Record<string, unknown> | null): ContactDraft {
  const d = blankDraft();
  if (!data) return d;
  const out: Record<string, unknown> = { ...d };
  for (const [k, v] of Object.entries(d)) {
    const got = data[k];
    if (got !== undefined && (typeof got === typeof v || (v === null && typeof got === 'string')))
      out[k] = got;
  }
  return out as unknown as ContactDraft;
}

/** A call is spoken ("Thank you for calling"); a chat, an e-mail or a text is not, and is not called one. */
export const isCall = (contact: Pick<ContactDto, 'channel'> | null): boolean =>
  !contact || contact.channel === 'phone';

/**
 * The contact in progress as server state: the open contact (GET /contacts/current), its customer,
 * its verification, the cases logged on it, and the draft. Draft changes are saved after a short pause.
 * A chat's contact may end elsewhere (the customer leaves, the chat box ends it): the officer's room
 * says so, and the screen shows it ended.
 */
export function useContact(userId: string) {
  const [loading, setLoading] = useState(true);
  const [contact, setContact] = useState<ContactDto | null>(null);
  const [customer, setCustomer] = useState<CustomerDto | null>(null);
  const [cases, setCases] = useState<CaseDto[]>([]);
  const [draft, setDraftState] = useState<ContactDraft>(blankDraft);
  const [ended, setEnded] = useState<ContactDto | null>(null);
  const pending = useRef<{ id: string; data: ContactDraft } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    const p = pending.current;
    pending.current = null;
    if (p) await api('PUT', `/contacts/${p.id}/draft`, { data: p.data }, { keepalive: true }).catch(() => {});
  }, []);

  // A reload or a closed tab within the pause still saves what was typed.
  useEffect(() => {
    const onHide = () => void flush();
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [flush]);

  const loadCustomer = useCallback(async (c: ContactDto) => {
    setCustomer(
      c.customerId ? await api<CustomerDto>('GET', `/customers/${c.customerId}?contactId=${c.id}`) : null,
    );
  }, []);

  const loadCases = useCallback(async (c: ContactDto) => {
    setCases(await Promise.all(c.caseIds.map((id) => api<CaseDto>('GET', `/cases/${id}`))));
  }, []);

  /** Take the contact as the server now has it (after a change), with its customer and cases. */
  const adopt = useCallback(
    async (c: ContactDto, opts: { draft?: boolean } = {}) => {
      setContact(c);
      if (c.endedAt) setEnded(c);
      if (opts.draft) setDraftState(readDraft(c.draft));
      await Promise.all([loadCustomer(c), loadCases(c)]);
    },
    [loadCustomer, loadCases],
  );

  useEffect(() => {
    void (async () => {
      const { contact: c } = await api<{ contact: ContactDto | null }>('GET', '/contacts/current');
      if (c) await adopt(c, { draft: true });
      setLoading(false);
    })();
    return () => void flush();
  }, [adopt, flush]);

  const setDraft = useCallback(
    (change: Partial<ContactDraft>) => {
      setDraftState((d) => {
        const next = { ...d, ...change };
        if (contact && !contact.endedAt) {
          pending.current = { id: contact.id, data: next };
          clearTimeout(timer.current);
          timer.current = setTimeout(() => void flush(), 400);
        }
        return next;
      });
    },
    [contact, flush],
  );

  const start = useCallback(async () => {
    const c = await api<ContactDto>('POST', '/contacts', { channel: 'phone', direction: 'inbound' });
    setEnded(null);
    setCases([]);
    setCustomer(null);
    setDraftState(blankDraft());
    setContact(c);
  }, []);

  const refresh = useCallback(async () => {
    if (contact) await adopt(await api<ContactDto>('GET', `/contacts/${contact.id}`));
  }, [contact, adopt]);

  const pick = useCallback(
    async (customerId: string | null) => {
      if (!contact) return;
      await adopt(await api<ContactDto>('PATCH', `/contacts/${contact.id}`, { customerId }));
    },
    [contact, adopt],
  );

  useInvalidation(`user:${userId}`, (inv) => {
    if (inv.type === 'contact.ended' && contact && inv.id === contact.id && !contact.endedAt) void refresh();
  });

  const end = useCallback(async () => {
    if (!contact) return;
    await flush();
    try {
      const c = await api<ContactDto>('PATCH', `/contacts/${contact.id}`, {
        end: true,
        notes: draft.wrapUp || null,
      });
      setEnded(c);
      setContact(c);
    } catch (err) {
      // Ended meanwhile (the customer left the chat): show it ended, as the server has it.
      if (!(err instanceof ApiError && err.problem.code === 'contact.already_ended')) throw err;
      await adopt(await api<ContactDto>('GET', `/contacts/${contact.id}`));
    }
  }, [contact, draft.wrapUp, flush, adopt]);

  return { loading, contact, customer, cases, draft, ended, setDraft, start, refresh, pick, end, flush };
}
