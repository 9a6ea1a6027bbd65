import type { ColumnType, Generated } from 'kysely';

/** Stored as JSON text on SQLite, jsonb on PostgreSQL; written as a JSON string, read through parseJson. */
export type Json = ColumnType<unknown, string, string>;
/** Stored as 0/1 on SQLite, boolean on PostgreSQL; read through Boolean(). */
export type Bool = ColumnType<boolean | number, boolean, boolean>;
/** ISO-8601 UTC instant: text on SQLite, timestamptz on PostgreSQL (parsed back to ISO text). */
export type Instant = string;

// people module
export interface UsersTable {
  id: string;
  username: string;
  email: string | null;
  display_name: string;
  role: string;
  team_id: string | null;
  department_id: string | null;
  password_hash: string | null;
  active: Bool;
  failed_logins: number;
  locked_until: Instant | null;
  created_at: Instant;
  updated_at: Instant;
}
export interface TeamsTable {
  id: string;
  name: string;
  department_id: string | null;
  leader_id: string | null;
  created_at: Instant;
}
export interface DepartmentsTable {
  id: string;
  name: string;
  purpose: string;
  phone: string | null;
  email: string | null;
  hours: string | null;
  external: Bool;
  active: Bool;
  created_at: Instant;
  updated_at: Instant;
}
export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Instant;
  expires_at: Instant;
  ip: string | null;
  user_agent: string | null;
}
export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: Instant;
  expires_at: Instant | null;
  last_used_at: Instant | null;
  revoked_at: Instant | null;
}
/** Failed sign-ins per attempted (lower-cased) username, whether or not such a user exists. */
export interface LoginAttemptsTable {
  username: string;
  failures: number;
  locked_until: Instant | null;
  expires_at: Instant;
  updated_at: Instant;
}

// customers module
export interface CustomersTable {
  id: string;
  display_name: string;
  name_norm: string;
  id_type: string | null;
  id_number: string | null;
  date_of_birth: string | null;
  phones: Json;
  emails: Json;
  address: string | null;
  preferred_language: string | null;
  preferred_channel: string | null;
  particular_needs: Json;
  consent: Json;
  segment: string | null;
  created_at: Instant;
  updated_at: Instant;
  version: number;
  /** Set when this record was merged into another: reads answer with that one. */
  merged_into_id: string | null;
  merged_at: Instant | null;
}
/** Each live customer's name words under the full-text engine (customers/customers.repo.ts). */
export interface CustomerNamesTable {
  doc: Generated<number>;
  customer_id: string;
  words: string;
  /** Every prefix of every word (PostgreSQL searches these; SQLite's FTS5 has prefix indexes). */
  prefixes: Generated<string>;
}
export interface CustomerLookupTable {
  key: string;
  kind: string;
  customer_id: string;
}
export interface AccountsTable {
  id: string;
  customer_id: string;
  account_number: string;
  status: string;
  credit_class: string | null;
  balance_minor: number;
  currency: string;
  billing_address: string | null;
  opened_at: Instant;
  created_at: Instant;
  updated_at: Instant;
}
export interface ServicesTable {
  id: string;
  account_id: string;
  kind: string;
  number: string;
  plan: string | null;
  status: string;
  created_at: Instant;
}

// contacts module
export interface ContactsTable {
  id: string;
  channel: string;
  direction: string;
  customer_id: string | null;
  officer_id: string;
  started_at: Instant;
  ended_at: Instant | null;
  notes: string | null;
  from_address: string | null;
  created_at: Instant;
  updated_at: Instant;
}
export interface ContactVerificationsTable {
  id: string;
  contact_id: string;
  customer_id: string;
  officer_id: string;
  at: Instant;
  checks: Json;
  result: string;
  satisfies_policy: Bool;
}
export interface ContactCasesTable {
  contact_id: string;
  case_id: string;
  created_at: Instant;
}

// cases module
export interface CaseCategoriesTable {
  id: string;
  parent_id: string | null;
  name: string;
  active: Bool;
  position: number;
  created_at: Instant;
}
export interface CasesTable {
  id: string;
  reference: string;
  type: string;
  category_id: string | null;
  criticality: string;
  priority: string;
  status: string;
  subject: string;
  description: string | null;
  customer_id: string | null;
  assignee_id: string | null;
  team_id: string | null;
  department_id: string | null;
  created_by: string;
  created_at: Instant;
  updated_at: Instant;
  resolved_at: Instant | null;
  closed_at: Instant | null;
  resolution_summary: string | null;
  customer_confirmed: Bool | null;
  version: number;
  sla_policy_id: string | null;
  first_response_due_at: Instant | null;
  resolution_due_at: Instant | null;
  /** Denormalised from the live clocks for queues: the earliest running due and warning times. */
  next_update_due_at: Instant | null;
  sla_due_at: Instant | null;
  sla_warn_at: Instant | null;
  sla_paused: Bool;
  /** Derived on every write (cases/queue-order.ts): 1 while the status is open, and the queue order. */
  is_open: number;
  queue_rank: number;
  /** Set when this case was merged into another as its duplicate. */
  merged_into_id: string | null;
}
export interface CaseViewsTable {
  id: string;
  name: string;
  owner_id: string;
  team_id: string | null;
  filters: Json;
  sort: string;
  position: number;
  created_at: Instant;
  updated_at: Instant;
}
export interface CaseDraftsTable {
  case_id: string;
  user_id: string;
  visibility: string;
  body: string;
  updated_at: Instant;
}
export interface CaseEventsTable {
  id: string;
  case_id: string;
  at: Instant;
  actor_id: string | null;
  kind: string;
  data: Json;
}
export interface CaseNotesTable {
  id: string;
  case_id: string;
  author_id: string;
  visibility: string;
  body: string;
  contact_id: string | null;
  created_at: Instant;
}
/** cases module: one full-text document per case (case-search.ts); the engine's columns are its own. */
export interface CaseSearchTable {
  doc: Generated<number>;
  case_id: string;
}
/** cases module: a case whose document is behind its chat lines since `since` (case-search.ts `later`). */
export interface CaseSearchPendingTable {
  case_id: string;
  since: Instant;
}
export interface ReferralsTable {
  id: string;
  case_id: string;
  mode: string;
  department_id: string | null;
  party_name: string | null;
  contact_number_given: string | null;
  reason: string;
  urgent: Bool;
  created_by: string;
  created_at: Instant;
}

// sla module
export interface BusinessCalendarsTable {
  id: string;
  name: string;
  time_zone: string;
  hours: Json;
  holidays: Json;
  created_at: Instant;
  updated_at: Instant;
}

export interface SlaPoliciesTable {
  id: string;
  name: string;
  position: number;
  active: Bool;
  calendar_id: string;
  conditions: Json;
  first_response_minutes: number | null;
  next_update_minutes: number | null;
  resolution_minutes: number | null;
  pause_statuses: ColumnType<unknown, string | undefined, string>;
  created_at: Instant;
  updated_at: Instant;
}

export interface SlaClocksTable {
  id: string;
  case_id: string;
  kind: string;
  policy_id: string;
  calendar_id: string;
  target_minutes: number;
  state: string;
  cycle: number;
  elapsed_ms: number;
  running_since: Instant | null;
  warn_at: Instant | null;
  due_at: Instant | null;
  started_at: Instant;
  met_at: Instant | null;
  breached_at: Instant | null;
  updated_at: Instant;
}

export interface SlaEventsTable {
  id: string;
  case_id: string;
  clock: string;
  cycle: number;
  event: string;
  at: Instant;
  due_at: Instant | null;
  elapsed_ms: number;
  data: Json;
}

/** A target a case carries from where it came in (a mailbox's), tightening its policy's. */
export interface SlaCaseTargetsTable {
  case_id: string;
  clock: string;
  target_minutes: number;
  /** Where it came from: `mailbox` (source_name is its address). */
  source: string;
  source_name: string;
  created_at: Instant;
}

export interface TimersTable {
  id: string;
  kind: string;
  due_at: Instant;
  state: string;
  case_id: string | null;
  ref_id: string | null;
  rule_id: string | null;
  payload: Json;
  attempts: number;
  last_error: string | null;
  fired_at: Instant | null;
  fired_by: string | null;
  created_at: Instant;
}

export interface EscalationRulesTable {
  id: string;
  name: string;
  position: number;
  active: Bool;
  clock: string;
  offset_minutes: number;
  conditions: Json;
  actions: Json;
  created_at: Instant;
  updated_at: Instant;
}

export interface EscalationsTable {
  id: string;
  case_id: string;
  level: number;
  target_user_id: string | null;
  target_role: string;
  reason: string;
  urgent: Bool;
  rule_id: string | null;
  raised_at: Instant;
  ack_due_at: Instant | null;
  acknowledged_at: Instant | null;
  acknowledged_by: string | null;
  superseded_at: Instant | null;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: string;
  case_id: string | null;
  escalation_id: string | null;
  title: string;
  body: string;
  urgent: Bool;
  created_at: Instant;
  read_at: Instant | null;
  /** The instant the text is about (a due time), shown by the reader in their own zone. */
  at: Instant | null;
  /** E-mail delivery: null (none wanted), pending, sent or failed. */
  email_state: string | null;
  email_attempts: Generated<number>;
  email_due_at: Instant | null;
  email_error: string | null;
  /** The customer a notice is about when it is about no case (a verification lock). */
  customer_id: string | null;
  /** What the notice announces (`sla.breach:<case>:<clock>:<due>`): each person hears of it once. */
  topic: string | null;
}

export interface CommitmentsTable {
  id: string;
  case_id: string;
  customer_id: string | null;
  officer_id: string;
  method: string;
  due_at: Instant;
  remind_minutes: number;
  note: string | null;
  state: string;
  created_at: Instant;
  updated_at: Instant;
  completed_at: Instant | null;
}

// platform
export interface AuditLogTable {
  id: string;
  at: Instant;
  actor_id: string | null;
  entity_type: string;
  entity_id: string;
  action: string;
  before: Json | null;
  after: Json | null;
}
export interface OutboxTable {
  id: string;
  name: string;
  payload: Json;
  created_at: Instant;
  published_at: Instant | null;
}
export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  method: string;
  path: string;
  status: number;
  body: string | null;
  created_at: Instant;
  expires_at: Instant;
}
export interface ContactDraftsTable {
  contact_id: string;
  user_id: string;
  data: Json;
  updated_at: Instant;
}
export interface CountersTable {
  name: string;
  value: number;
}
export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: Instant;
  updated_by: string | null;
}

export interface KbArticlesTable {
  id: string;
  slug: string;
  status: string;
  owner_id: string | null;
  review_at: string | null;
  published_version_id: string | null;
  open_version_id: string | null;
  usage_count: number;
  created_at: Instant;
  updated_at: Instant;
}

export interface KbVersionsTable {
  id: string;
  article_id: string;
  number: number;
  state: string;
  kind: string;
  audience: string;
  category: string | null;
  title: string;
  body: string;
  answer: string | null;
  tags: Json;
  change_note: string | null;
  author_id: string | null;
  created_at: Instant;
  updated_at: Instant;
  submitted_at: Instant | null;
  reviewed_by: string | null;
  reviewed_at: Instant | null;
  review_note: string | null;
  published_at: Instant | null;
}

export interface KbAttachmentsTable {
  id: string;
  article_id: string;
  filename: string;
  content_type: string;
  size: number;
  data: Uint8Array;
  /** The version it was attached to: shown to readers once that version is published (null: always). */
  version_id: string | null;
  created_by: string | null;
  created_at: Instant;
}

export interface KbUsageTable {
  id: string;
  article_id: string;
  version_id: string | null;
  action: string;
  case_id: string | null;
  contact_id: string | null;
  user_id: string;
  at: Instant;
}

export interface KbSynonymsTable {
  id: string;
  terms: Json;
  created_at: Instant;
}

export interface KbTermsTable {
  term: string;
  stem: string;
  df: number;
}

export interface KbSearchTable {
  doc: Generated<number>;
  article_id: string;
  version_id: string;
  audience: string;
  kind: string;
  title: string;
  title_terms: string;
  tag_terms: string;
  body_terms: string;
  plain: string;
  words: string;
  published_at: Instant;
  usage_count: number;
}

// scripts module: standard phrases, e-mail/SMS templates and call scripts
export interface TemplatesTable {
  id: string;
  kind: string;
  name: string;
  name_key: string;
  description: string | null;
  subject: string | null;
  body: string;
  active: Bool;
  version: number;
  created_by: string | null;
  updated_by: string | null;
  created_at: Instant;
  updated_at: Instant;
}
export interface CallScriptsTable {
  id: string;
  name: string;
  name_key: string;
  description: string | null;
  /** The steps as one JSON document: [{id, title, text, next, choices}]. */
  steps: Json;
  active: Bool;
  version: number;
  created_by: string | null;
  updated_by: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface SolutionsTable {
  id: string;
  case_id: string | null;
  problem: string;
  solution: string;
  status: string;
  proposed_by: string;
  team_id: string | null;
  decided_by: string | null;
  decided_at: Instant | null;
  decision_note: string | null;
  article_id: string | null;
  created_at: Instant;
  updated_at: Instant;
}
export interface SolutionCommentsTable {
  id: string;
  solution_id: string;
  author_id: string;
  body: string;
  created_at: Instant;
}
export interface DisseminationsTable {
  id: string;
  article_id: string;
  version_id: string;
  solution_id: string | null;
  note: string | null;
  team_ids: Json;
  sent_by: string | null;
  sent_at: Instant;
  due_at: Instant;
  reminders: number;
  last_reminded_at: Instant | null;
}
export interface DisseminationRecipientsTable {
  dissemination_id: string;
  user_id: string;
  team_id: string | null;
  acknowledged_at: Instant | null;
}
export interface PolicyFlagsTable {
  id: string;
  case_id: string;
  raised_by: string;
  authority_id: string;
  policy: string;
  customer_need: string;
  evidence: string;
  status: string;
  answer: string | null;
  answered_by: string | null;
  answered_at: Instant | null;
  due_at: Instant;
  created_at: Instant;
}

// messages module (issue 13): the messaging core and the e-mail channel
export interface MailboxesTable {
  id: string;
  address: string;
  display_name: string;
  signature: string | null;
  team_id: string | null;
  department_id: string | null;
  category_id: string | null;
  first_response_minutes: number | null;
  /** How mail reaches it: 'smtp' (Frontline receives for the address), 'imap' (fetched), 'none'. */
  inbound: string;
  imap: Json | null;
  smtp: Json | null;
  /** The IMAP and SMTP passwords, encrypted (AES-256-GCM) with the key from the environment. */
  secrets: string | null;
  options: Json;
  active: Bool;
  health: string;
  last_fetch_at: Instant | null;
  last_error: string | null;
  last_error_at: Instant | null;
  imap_state: Json | null;
  created_at: Instant;
  updated_at: Instant;
  version: number;
}
export interface InboundRawTable {
  id: string;
  channel: string;
  endpoint_id: string | null;
  source_key: string;
  transport: string;
  sender: string | null;
  envelope: Json | null;
  raw: Uint8Array;
  size: number;
  /** received → done | ignored | failed */
  state: string;
  outcome: Json | null;
  attempts: number;
  last_error: string | null;
  received_at: Instant;
  processed_at: Instant | null;
}
export interface MessagesTable {
  id: string;
  case_id: string;
  contact_id: string | null;
  channel: string;
  direction: string;
  kind: string;
  endpoint_id: string | null;
  raw_id: string | null;
  source_key: string | null;
  in_reply_to: string | null;
  refs: Json;
  from_address: string | null;
  from_name: string | null;
  to_addresses: Json;
  cc_addresses: Json;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  remote_images: Bool;
  author_id: string | null;
  state: string;
  state_reason: string | null;
  attempts: number;
  next_attempt_at: Instant | null;
  lease_until: Instant | null;
  created_at: Instant;
  sent_at: Instant | null;
  updated_at: Instant;
}
export interface MessageAttachmentsTable {
  id: string;
  message_id: string;
  filename: string;
  content_type: string;
  size: number;
  content_id: string | null;
  inline: Bool;
  sha256: string;
  data: Uint8Array | null;
  created_at: Instant;
}
/** A file uploaded in the composer, not yet sent: moves to message_attachments with its reply. */
export interface MessageUploadsTable {
  id: string;
  case_id: string;
  uploaded_by: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  data: Uint8Array;
  created_at: Instant;
}
export interface CaseFollowersTable {
  case_id: string;
  address: string;
  name: string | null;
  added_at: Instant;
}
export interface SenderBlocksTable {
  pattern: string;
  reason: string | null;
  created_by: string | null;
  created_at: Instant;
}

// webhooks module (issue 13, point 8): subscriptions for integrators and what was sent to them
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string | null;
  /** Event names, or ['*'] for every event of the catalogue. */
  events: Json;
  /** The signing key (`whsec_…`), sealed with the server's key. */
  secret: string;
  /** The key before the last rotation, still signed with until `previous_secret_until`. */
  previous_secret: string | null;
  previous_secret_until: Instant | null;
  /** The administrator's switch. */
  active: Bool;
  /** Set by the sender after repeated failure (or a 410 Gone); cleared when re-enabled. */
  disabled_at: Instant | null;
  disabled_reason: string | null;
  consecutive_failures: number;
  failing_since: Instant | null;
  last_success_at: Instant | null;
  created_by: string | null;
  created_at: Instant;
  updated_at: Instant;
  version: number;
}
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  /** The outbox event's id (or the delivery's own for a test ping). */
  event_id: string;
  event_name: string;
  event_at: Instant;
  payload: Json;
  /** pending → succeeded | failed */
  state: string;
  attempts: number;
  next_attempt_at: Instant | null;
  lease_until: Instant | null;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: Instant | null;
  created_at: Instant;
  updated_at: Instant;
}
export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  at: Instant;
  status: number | null;
  error: string | null;
  response_excerpt: string | null;
  duration_ms: number;
}

// presence module (issue 14, point 1)
export interface PresenceReasonsTable {
  id: string;
  name: string;
  active: Bool;
  position: number;
  version: number;
  created_at: Instant;
  updated_at: Instant;
}
export interface PresenceStatesTable {
  user_id: string;
  state: string;
  reason_id: string | null;
  since: Instant;
  /** 'self', 'system' or 'leader'. */
  set_by: string;
  set_by_user_id: string | null;
  /** The open presence_history row of this stint. */
  history_id: string;
  until_at: Instant | null;
  seen_at: Instant | null;
  version: number;
}
export interface PresenceHistoryTable {
  id: string;
  user_id: string;
  team_id: string | null;
  state: string;
  reason_id: string | null;
  started_at: Instant;
  ended_at: Instant | null;
  set_by: string;
  set_by_user_id: string | null;
}

// SMS (issue 14, point 5)
export interface SmsEndpointsTable {
  id: string;
  /** E.164. */
  number: string;
  display_name: string;
  /** 'twilio': a Twilio-compatible REST API at base_url (the local simulator speaks it too). */
  provider: string;
  base_url: string;
  account_sid: string;
  /** The auth token, encrypted with the key from the environment (platform/secrets.ts). */
  secrets: string;
  team_id: string | null;
  active: Bool;
  /** 'ok', or the class of the last failure: 'retryable', 'authentication', 'permanent'. */
  health: string;
  last_inbound_at: Instant | null;
  last_error: string | null;
  last_error_at: Instant | null;
  created_at: Instant;
  updated_at: Instant;
  version: number;
}
export interface SmsOptOutsTable {
  number: string;
  keyword: string;
  customer_id: string | null;
  endpoint_id: string | null;
  opted_out_at: Instant;
}

// web chat (issue 14, point 3): widgets, visitors, conversations and their message order
export interface ChatWidgetsTable {
  id: string;
  name: string;
  team_id: string;
  allowed_origins: Json;
  /** The identity-HMAC key, sealed with the server's key. */
  secret: string;
  calendar_id: string | null;
  active: Bool;
  created_at: Instant;
  updated_at: Instant;
  version: number;
}
export interface ChatVisitorsTable {
  id: string;
  widget_id: string;
  token_hash: string;
  prev_token_hash: string | null;
  created_at: Instant;
  seen_at: Instant;
}
export interface ChatConversationsTable {
  id: string;
  widget_id: string;
  visitor_id: string;
  team_id: string;
  case_id: string;
  customer_id: string | null;
  contact_id: string | null;
  /** waiting → active → ended */
  status: string;
  visitor_name: string;
  visitor_email: string;
  language: string | null;
  /** The site's customer id, when its HMAC was valid. */
  external_id: string | null;
  officer_id: string | null;
  last_seq: number;
  visitor_read_seq: number;
  officer_read_seq: number;
  officer_unread: number;
  started_at: Instant;
  answered_at: Instant | null;
  ended_at: Instant | null;
  updated_at: Instant;
}
export interface ChatEntriesTable {
  conversation_id: string;
  seq: number;
  message_id: string;
  client_id: string;
  /** visitor | officer | system */
  side: string;
  created_at: Instant;
}
/** A site's customer id (vouched for by its HMAC) → our customer record, and how that link was made. */
export interface ChatIdentitiesTable {
  widget_id: string;
  external_id: string;
  customer_id: string;
  created_at: Instant;
  /** typed_email | new_record | officer (migration 202612081000) */
  linked_by: string;
  /** The officer who, having verified the customer on the chat's contact, confirmed the link. */
  confirmed_by: string | null;
  confirmed_at: Instant | null;
  confirmed_contact_id: string | null;
}

// routing module (issue 14, point 2)
export interface RoutingQueuesTable {
  id: string;
  key: string;
  team_id: string | null;
  strategy: string;
  offer_timeout_seconds: number;
  relax_after_seconds: number | null;
  overflow_after_seconds: number | null;
  overflow_queue_id: string | null;
  calendar_id: string | null;
  email_pull: Bool;
  version: number;
  updated_at: Instant;
}
export interface RoutingProfilesTable {
  user_id: string;
  languages: Json;
  skills: Json;
  last_ended_at: Instant | null;
  last_offered_at: Instant | null;
  version: number;
  updated_at: Instant;
}
export interface RoutingCapacityTable {
  user_id: string;
  channel: string;
  capacity: number;
  load: number;
}
export interface RoutingItemsTable {
  id: string;
  case_id: string;
  channel: string;
  queue_id: string;
  priority: number;
  language: string | null;
  skills: Json;
  state: string;
  offered_to: string | null;
  assigned_to: string | null;
  declined_by: Json;
  enqueued_at: Instant;
  queued_at: Instant;
  assigned_at: Instant | null;
  ended_at: Instant | null;
  version: number;
}
export interface RoutingOffersTable {
  id: string;
  item_id: string;
  case_id: string;
  user_id: string;
  channel: string;
  state: string;
  offered_at: Instant;
  expires_at: Instant;
  decided_at: Instant | null;
}
/** A hand-over of a routed case to an officer or a queue, with its note (issue 14, point 4). */
export interface RoutingTransfersTable {
  id: string;
  client_id: string;
  case_id: string;
  item_id: string;
  channel: string;
  from_user_id: string;
  to_user_id: string | null;
  to_queue_id: string;
  note: string;
  created_at: Instant;
}

// SMS (issue 14, point 5)
export interface SmsEndpointsTable {
  id: string;
  /** E.164. */
  number: string;
  display_name: string;
  /** 'twilio': a Twilio-compatible REST API at base_url (the local simulator speaks it too). */
  provider: string;
  base_url: string;
  account_sid: string;
  /** The auth token, encrypted with the key from the environment (platform/secrets.ts). */
  secrets: string;
  team_id: string | null;
  active: Bool;
  /** 'ok', or the class of the last failure: 'retryable', 'authentication', 'permanent'. */
  health: string;
  last_inbound_at: Instant | null;
  last_error: string | null;
  last_error_at: Instant | null;
  created_at: Instant;
  updated_at: Instant;
  version: number;
}
export interface SmsOptOutsTable {
  number: string;
  keyword: string;
  customer_id: string | null;
  endpoint_id: string | null;
  opted_out_at: Instant;
}

export interface Database {
  users: UsersTable;
  teams: TeamsTable;
  departments: DepartmentsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_attempts: LoginAttemptsTable;
  customers: CustomersTable;
  customer_lookup: CustomerLookupTable;
  customer_names: CustomerNamesTable;
  accounts: AccountsTable;
  services: ServicesTable;
  contacts: ContactsTable;
  contact_verifications: ContactVerificationsTable;
  contact_cases: ContactCasesTable;
  case_categories: CaseCategoriesTable;
  cases: CasesTable;
  case_drafts: CaseDraftsTable;
  case_views: CaseViewsTable;
  case_events: CaseEventsTable;
  case_notes: CaseNotesTable;
  case_search: CaseSearchTable;
  case_search_pending: CaseSearchPendingTable;
  referrals: ReferralsTable;
  business_calendars: BusinessCalendarsTable;
  sla_policies: SlaPoliciesTable;
  sla_clocks: SlaClocksTable;
  sla_events: SlaEventsTable;
  sla_case_targets: SlaCaseTargetsTable;
  timers: TimersTable;
  escalation_rules: EscalationRulesTable;
  escalations: EscalationsTable;
  notifications: NotificationsTable;
  commitments: CommitmentsTable;
  kb_articles: KbArticlesTable;
  kb_versions: KbVersionsTable;
  kb_attachments: KbAttachmentsTable;
  kb_usage: KbUsageTable;
  kb_synonyms: KbSynonymsTable;
  kb_terms: KbTermsTable;
  kb_search: KbSearchTable;
  templates: TemplatesTable;
  call_scripts: CallScriptsTable;
  solutions: SolutionsTable;
  solution_comments: SolutionCommentsTable;
  disseminations: DisseminationsTable;
  dissemination_recipients: DisseminationRecipientsTable;
  policy_flags: PolicyFlagsTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  contact_drafts: ContactDraftsTable;
  counters: CountersTable;
  settings: SettingsTable;
  mailboxes: MailboxesTable;
  inbound_raw: InboundRawTable;
  messages: MessagesTable;
  message_attachments: MessageAttachmentsTable;
  message_uploads: MessageUploadsTable;
  case_followers: CaseFollowersTable;
  sender_blocks: SenderBlocksTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  sms_endpoints: SmsEndpointsTable;
  sms_opt_outs: SmsOptOutsTable;
  presence_reasons: PresenceReasonsTable;
  presence_states: PresenceStatesTable;
  presence_history: PresenceHistoryTable;
  routing_queues: RoutingQueuesTable;
  routing_profiles: RoutingProfilesTable;
  routing_capacity: RoutingCapacityTable;
  routing_items: RoutingItemsTable;
  routing_offers: RoutingOffersTable;
  routing_transfers: RoutingTransfersTable;
  chat_widgets: ChatWidgetsTable;
  chat_visitors: ChatVisitorsTable;
  chat_conversations: ChatConversationsTable;
  chat_entries: ChatEntriesTable;
  chat_identities: ChatIdentitiesTable;
}

export function parseJson<T>(v: unknown, fallback: T): T {
  if (v === null || v === undefined) return fallback;
  if (typeof v === 'string') return JSON.parse(v) as T;
  return v as T;
}
