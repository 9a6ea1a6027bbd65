import type { FieldParams, FieldProblem, FieldRule } from '../../shared/field-rules.ts';

/**
 * Stable error codes. The domain throws AppError with one of these; the HTTP edge maps it to an
 * RFC 9457 problem. A test checks that every code here has a title and is used.
 */
export const ERRORS = {
  'request.invalid': { status: 400, title: 'The request is not valid' },
  'request.malformed_json': { status: 400, title: 'The request body is not valid JSON' },
  'request.too_large': { status: 413, title: 'The request body is too large' },
  'request.unsupported_media_type': { status: 415, title: 'Unsupported media type' },
  'request.precondition_failed': { status: 412, title: 'The resource has changed since you read it' },
  'request.param_too_long': { status: 414, title: 'A path parameter is too long' },
  'request.header_too_large': { status: 431, title: 'The request headers or query string are too large' },
  'request.timeout': { status: 408, title: 'The request took too long to arrive' },
  'server.closing': { status: 503, title: 'This server is shutting down: retry the request' },
  'route.not_found': { status: 404, title: 'No such route' },
  'auth.unauthenticated': { status: 401, title: 'Authentication is required' },
  'auth.invalid_credentials': { status: 401, title: 'Wrong username or password' },
  'auth.locked': { status: 423, title: 'The account is locked after repeated failed logins' },
  'auth.rate_limited': { status: 429, title: 'Too many login attempts' },
  'auth.csrf_failed': { status: 403, title: 'Missing or wrong CSRF token' },
  'auth.forbidden': { status: 403, title: 'Your role does not allow this' },
  'user.not_found': { status: 404, title: 'No such user' },
  'user.username_taken': { status: 409, title: 'That username is taken' },
  'team.not_found': { status: 404, title: 'No such team' },
  'team.name_taken': { status: 409, title: 'A team with that name exists' },
  'department.not_found': { status: 404, title: 'No such department' },
  'department.name_taken': { status: 409, title: 'A department with that name exists' },
  'token.not_found': { status: 404, title: 'No such API token' },
  'customer.not_found': { status: 404, title: 'No such customer' },
  'customer.identifier_taken': { status: 409, title: 'Another customer holds that identifier' },
  'customer.merged': { status: 409, title: 'That customer record was merged into another' },
  'account.not_found': { status: 404, title: 'No such account' },
  'account.number_taken': { status: 409, title: 'That account number is in use' },
  'contact.not_found': { status: 404, title: 'No such contact' },
  'contact.not_verified': { status: 403, title: 'The customer has not been verified on this contact' },
  'contact.already_ended': { status: 409, title: 'The contact has already ended' },
  'contact.no_customer': { status: 409, title: 'The contact has no identified customer to verify' },
  'contact.not_yours': { status: 403, title: 'Another officer is handling this contact' },
  'contact.has_cases': {
    status: 409,
    title: 'A case is logged on this contact: its customer can no longer change',
  },
  'contact.verification_locked': {
    status: 409,
    title: 'Verification is locked on this contact after repeated mismatches; the team leader has been told',
  },
  'case.not_found': { status: 404, title: 'No such case' },
  'case.transition_not_allowed': { status: 409, title: 'That status change is not allowed from here' },
  'case.closed': { status: 409, title: 'The case is closed: reopen it first' },
  'case.resolution_required': { status: 422, title: 'A resolution summary is required to resolve a case' },
  'case.merge_invalid': { status: 409, title: 'These cases cannot be merged' },
  'view.not_found': { status: 404, title: 'No such saved view' },
  'sms_endpoint.not_found': { status: 404, title: 'No such SMS number' },
  'sms_endpoint.number_taken': { status: 409, title: 'That number is already an SMS number' },
  'sms.signature_invalid': { status: 403, title: 'The webhook signature is missing or wrong' },
  'sms.opted_out': { status: 409, title: 'The customer has opted out of text messages' },
  'sms.no_number': { status: 409, title: 'The customer has no mobile number to text' },
  'sms.no_endpoint': { status: 409, title: 'No SMS number is set up to send from' },
  'chat_widget.not_found': { status: 404, title: 'No such chat widget' },
  'chat.not_found': { status: 404, title: 'This case has no web chat' },
  'chat.ended': { status: 409, title: 'The chat has ended' },
  'chat.not_yours': { status: 409, title: 'Only the officer handling this chat may do that' },
  'chat.session_required': { status: 401, title: 'The chat session is missing or has expired' },
  'chat.origin_not_allowed': { status: 403, title: 'This site may not use the chat widget' },
  'chat.rate_limited': { status: 429, title: 'Too many files: wait a few minutes' },
  'chat.file_not_found': { status: 404, title: 'No such file in your chat' },
  'chat.too_many_files': { status: 409, title: 'This chat has as many files as it may hold' },
  'chat.no_site_sign_in': { status: 409, title: 'The visitor of this chat was not signed in on the site' },
  'chat.site_link_conflict': {
    status: 409,
    title: 'The site account is linked to another customer record',
  },
  'chat.site_link_not_found': { status: 404, title: 'That site account is not linked to this customer' },
  'chat.site_link_in_use': {
    status: 409,
    title: 'A chat of this site account is live: the officer handling it unlinks it there',
  },
  'mailbox.not_found': { status: 404, title: 'No such mailbox' },
  'mailbox.address_taken': { status: 409, title: 'That address is already a mailbox' },
  'message.not_found': { status: 404, title: 'No such message' },
  'message.not_failed': { status: 409, title: 'Only a message that failed can be sent again' },
  'sender_block.not_found': { status: 404, title: 'That sender is not blocked' },
  'webhook.not_found': { status: 404, title: 'No such webhook' },
  'webhook_delivery.not_found': { status: 404, title: 'No such webhook delivery' },
  'webhook_delivery.pending': { status: 409, title: 'The delivery is still being attempted' },
  'routing_offer.not_found': { status: 404, title: 'No such offer' },
  'routing_queue.not_found': { status: 404, title: 'No such routing queue' },
  'routing_queue.overflow_loop': { status: 422, title: 'A queue cannot overflow into itself' },
  'routing_offer.closed': {
    status: 409,
    title: 'The offer is no longer open: it was accepted, declined, withdrawn or timed out',
  },
  'routing_transfer.not_yours': {
    status: 403,
    title: 'Only the officer handling the case (or a leader of its team) may transfer it',
  },
  'routing_transfer.not_routed': {
    status: 409,
    title: 'Only a chat, an e-mail or an SMS case can be transferred through routing',
  },
  'routing_transfer.same_officer': { status: 409, title: 'That officer already handles this case' },
  'routing_transfer.officer_unavailable': {
    status: 409,
    title: 'That officer is not available (offline or away): transfer to their queue instead',
  },
  'routing_transfer.officer_at_capacity': {
    status: 409,
    title: 'That officer has no room for another item of this channel: transfer to their queue instead',
  },
  'presence.transition_not_allowed': { status: 409, title: 'That presence change is not allowed from here' },
  'presence.not_your_team': { status: 403, title: 'That team is not yours to watch' },
  'presence_reason.not_found': { status: 404, title: 'No such break reason' },
  'presence_reason.name_taken': { status: 409, title: 'A break reason with that name exists' },
  'presence_reason.in_use': { status: 409, title: 'The history uses this reason: switch it off instead' },
  'view.not_yours': {
    status: 403,
    title: 'Only its owner (or, for a shared view, the team’s leaders) may change this view',
  },
  'view.no_team': { status: 422, title: 'A shared view needs a team: you are in none' },
  'category.not_found': { status: 404, title: 'No such case category' },
  'calendar.not_found': { status: 404, title: 'No such business calendar' },
  'sla_policy.not_found': { status: 404, title: 'No such SLA policy' },
  'calendar.name_taken': { status: 409, title: 'A calendar with that name exists' },
  'escalation_rule.not_found': { status: 404, title: 'No such escalation rule' },
  'escalation_rule.name_taken': { status: 409, title: 'An escalation rule with that name exists' },
  'escalation.not_found': { status: 404, title: 'No such escalation' },
  'escalation.not_yours': { status: 403, title: 'This escalation is for someone else' },
  'escalation.already_acknowledged': { status: 409, title: 'The escalation was already acknowledged' },
  'request.upgrade_required': { status: 426, title: 'Connect with a WebSocket' },
  'notification.not_found': { status: 404, title: 'No such notification' },
  'realtime.room_forbidden': { status: 403, title: 'Not a room you may follow' },
  'commitment.not_found': { status: 404, title: 'No such follow-up commitment' },
  'commitment.not_open': { status: 409, title: 'The commitment is no longer open' },
  'commitment.in_past': { status: 422, title: 'A commitment must be due in the future' },
  'kb_article.not_found': { status: 404, title: 'No such knowledge article' },
  'kb_article.slug_taken': { status: 409, title: 'Another article has that slug' },
  'kb_article.no_draft': { status: 409, title: 'The article has no draft to act on' },
  'kb_article.in_review': { status: 409, title: 'The article is in review: approve or reject it first' },
  'kb_article.not_in_review': { status: 409, title: 'The article has no version waiting for review' },
  'kb_article.archived': { status: 409, title: 'The article is archived' },
  'kb_version.not_found': { status: 404, title: 'No such version of the article' },
  'kb_attachment.not_found': { status: 404, title: 'No such attachment' },
  'kb_attachment.too_large': { status: 413, title: 'The attachment is larger than 5 MB' },
  'solution.not_found': { status: 404, title: 'No such proposed solution' },
  'solution.already_decided': { status: 409, title: 'The solution has already been agreed or declined' },
  'dissemination.not_found': { status: 404, title: 'No such dissemination' },
  'policy_flag.not_found': { status: 404, title: 'No such policy-inconsistency flag' },
  'policy_flag.not_yours': { status: 403, title: 'Only the named authority may answer this flag' },
  'policy_flag.already_answered': { status: 409, title: 'The flag has already been answered' },
  'template.not_found': { status: 404, title: 'No such template' },
  'template.name_taken': { status: 409, title: 'A template of that kind has that name' },
  'template.archived': { status: 409, title: 'The template is archived' },
  'script.not_found': { status: 404, title: 'No such call script' },
  'script.name_taken': { status: 409, title: 'A call script with that name exists' },
  'script.archived': { status: 409, title: 'The call script is archived' },
  'idempotency.key_reused': { status: 422, title: 'That Idempotency-Key was used with a different request' },
  'idempotency.in_progress': {
    status: 409,
    title: 'A request with that Idempotency-Key is still in progress',
  },
  'service.unavailable': { status: 503, title: 'The service is temporarily unavailable: try again shortly' },
  internal: { status: 500, title: 'Something went wrong on our side' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * One failing field: where (`field`), what is wrong as a stable `rule` with its `params` (which a
 * client translates, src/shared/field-rules.ts), and the same in English (`message`).
 */
export interface FieldError extends FieldProblem {
  /** JSON Pointer into the request, e.g. `/body/mobile` or `/query/limit`. */
  field: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    opts: { errors?: FieldError[]; extra?: Record<string, unknown> } = {},
  ) {
    super(detail ?? ERRORS[code].title);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.detail = detail;
    this.errors = opts.errors;
    this.extra = opts.extra;
  }
}

export const notFound = (code: ErrorCode & `${string}.not_found`, id?: string): AppError =>
  new AppError(code, id ? `${ERRORS[code].title}: ${id}` : undefined);

/** A 400 for one field: `invalid('/body/x', 'taken', 'is taken')`, `params` for the rule's words. */
export const invalid = (field: string, rule: FieldRule, message: string, params?: FieldParams): AppError =>
  new AppError('request.invalid', `${field}: ${message}`, {
    errors: [fieldError(field, rule, message, params)],
  });

/** A field error, `params` left out when there are none. */
export const fieldError = (
  field: string,
  rule: FieldRule,
  message: string,
  params?: FieldParams,
): FieldError => (params ? { field, message, rule, params } : { field, message, rule });

/** A problem found by a check (a template scan, the password policy) placed at a field. */
export const problemAt = (field: string, p: FieldProblem): FieldError =>
  fieldError(field, p.rule, p.message, p.params);

/** A 400 listing every failing field at once. */
export const invalidFields = (problems: FieldError[]): AppError =>
  new AppError('request.invalid', problems.map((p) => `${p.field} ${p.message}`).join('; '), {
    errors: problems,
  });

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [k: string]: unknown;
}

export function toProblem(err: AppError, instance?: string): Problem {
  return {
    type: `https://frontline.dev/problems/${err.code}`,
    title: ERRORS[err.code].title,
    status: err.status,
    code: err.code,
    ...(err.detail ? { detail: err.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(err.errors ? { errors: err.errors } : {}),
    ...(err.extra ?? {}),
  };
}
