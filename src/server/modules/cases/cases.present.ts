import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import type { CaseDetail, CaseDto, CaseStatus } from '../../../shared/contracts/cases.ts';
import type {
  CaseEventsTable,
  CaseNotesTable,
  CasesTable,
  ReferralsTable,
} from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { lightOf } from '../sla/clocks.ts';
import { allowedActions } from './transitions.ts';

/** `now` colours the SLA: the same case is green, amber or red depending on when it is looked at. */
export function presentCase(c: Selectable<CasesTable>, now: string): CaseDto {
  return {
    id: c.id,
    reference: c.reference,
    type: c.type as CaseDto['type'],
    categoryId: c.category_id,
    criticality: c.criticality as CaseDto['criticality'],
    priority: c.priority as CaseDto['priority'],
    status: c.status as CaseStatus,
    subject: c.subject,
    description: c.description,
    customerId: c.customer_id,
    assigneeId: c.assignee_id,
    teamId: c.team_id,
    departmentId: c.department_id,
    createdBy: c.created_by,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    resolvedAt: c.resolved_at,
    closedAt: c.closed_at,
    resolutionSummary: c.resolution_summary,
    customerConfirmed: c.customer_confirmed === null ? null : Boolean(c.customer_confirmed),
    version: c.version,
    allowedActions: allowedActions(c.status as CaseStatus),
    slaPolicyId: c.sla_policy_id,
    firstResponseDueAt: c.first_response_due_at,
    resolutionDueAt: c.resolution_due_at,
    nextUpdateDueAt: c.next_update_due_at,
    slaDueAt: c.sla_due_at,
    slaWarnAt: c.sla_warn_at,
    slaState: lightOf(c, now),
    mergedIntoId: c.merged_into_id ?? null,
  };
}

export function presentDetail(
  c: Selectable<CasesTable>,
  now: string,
  parts: {
    contactIds: string[];
    notes: Selectable<CaseNotesTable>[];
    referrals: Selectable<ReferralsTable>[];
    events: Selectable<CaseEventsTable>[];
  },
): Static<typeof CaseDetail> {
  return {
    ...presentCase(c, now),
    contactIds: parts.contactIds,
    notes: parts.notes.map((n) => ({
      id: n.id,
      caseId: n.case_id,
      authorId: n.author_id,
      visibility: n.visibility,
      body: n.body,
      contactId: n.contact_id,
      createdAt: n.created_at,
    })),
    referrals: parts.referrals.map(presentReferral),
    timeline: parts.events.map((e) => ({
      id: e.id,
      at: e.at,
      actorId: e.actor_id,
      kind: e.kind,
      data: parseJson<Record<string, unknown>>(e.data, {}),
    })),
  };
}

export function presentReferral(r: Selectable<ReferralsTable>) {
  return {
    id: r.id,
    caseId: r.case_id,
    mode: r.mode,
    departmentId: r.department_id,
    partyName: r.party_name,
    contactNumberGiven: r.contact_number_given,
    reason: r.reason,
    urgent: Boolean(r.urgent),
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}
