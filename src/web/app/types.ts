// Wire types, derived from the same contracts the server validates with (types only: no runtime import).
import type { Static } from 'typebox';
import type { Case, CaseDetail, Category } from '../../shared/contracts/cases.ts';
import type { FieldError, ProblemSchema } from '../../shared/contracts/common.ts';
import type { ContactDto, VerificationDto, VerificationPolicyDto } from '../../shared/contracts/contacts.ts';
import type { CustomerDto, CustomerSearchHit } from '../../shared/contracts/customers.ts';
import type { Commitment, ProgressUpdateDraft } from '../../shared/contracts/followups.ts';
import type { NotificationDto } from '../../shared/contracts/notifications.ts';
import type { Department, UserDto } from '../../shared/contracts/people.ts';
import type { CaseSla } from '../../shared/contracts/sla.ts';

export type CaseDto = Static<typeof Case>;
export type CaseDetailDto = Static<typeof CaseDetail>;
export type CategoryDto = Static<typeof Category>;
export type DepartmentDto = Static<typeof Department>;
export type HitDto = Static<typeof CustomerSearchHit>;
export type FieldErrorDto = Static<typeof FieldError>;
export type ProblemDto = Static<typeof ProblemSchema>;
export type CommitmentDto = Static<typeof Commitment>;
export type CaseSlaDto = Static<typeof CaseSla>;
export type ProgressDraftDto = Static<typeof ProgressUpdateDraft>;
export type { ContactDto, CustomerDto, NotificationDto, UserDto, VerificationDto, VerificationPolicyDto };
export type Page<T> = { items: T[]; nextCursor: string | null };
