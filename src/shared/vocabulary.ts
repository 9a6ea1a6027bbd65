// The domain's fixed word lists, with no dependencies, so the web bundle can import them without the
// schema library. The contracts build their schemas from these.

export const ROLES = ['officer', 'trainee', 'team_leader', 'supervisor', 'trainer', 'administrator'] as const;
export type Role = (typeof ROLES)[number];

/** What an officer may check to verify a caller's identity. */
export const PARTICULARS = [
  'name',
  'id_number',
  'account_number',
  'service_number',
  'date_of_birth',
  'address',
  'email',
  'security_answer',
] as const;
export type Particular = (typeof PARTICULARS)[number];

export const CASE_TYPES = [
  'general_enquiry',
  'request_for_action',
  'complaint',
  'compliment',
  'feedback',
] as const;

/** How an officer may revert on a follow-up commitment. */
export const COMMITMENT_METHODS = ['call', 'email', 'sms', 'letter', 'visit'] as const;
/** Channels a progress update may go out on. */
export const PROGRESS_CHANNELS = ['phone', 'email', 'sms', 'letter', 'chat'] as const;
