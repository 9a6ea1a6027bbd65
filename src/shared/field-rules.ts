/**
 * What a field error says is wrong, as a stable name beside its English `message` (issue 12.8): the
 * desktop shows the catalogue's words for the rule (`fieldRule.<rule>` in src/web/i18n), with
 * `params` put in, and an API client may do the same. A rule is never renamed; its English may be
 * reworded. Adding one: add it here and its words to the desktop's catalogue (a test checks).
 */

/**
 * The JSON Schema keywords request validation can fail on (platform/http.ts `fieldErrors`), with
 * Ajv's `params` (params.limit, params.format, params.allowedValues…). A test checks every keyword the route
 * schemas use is here; a keyword that is not comes out as `invalid`.
 */
export const SCHEMA_RULES = [
  'required',
  'additionalProperties',
  'type',
  'enum',
  'const',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  /** A tuple (e.g. an interval [from, to]) with more items than it has places. */
  'additionalItems',
  'minProperties',
  'maxProperties',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'anyOf',
  'oneOf',
] as const;

/**
 * Schema patterns with a name: a field that fails one reports the named rule (with words people read)
 * instead of `pattern` and the regular expression. The contracts use these strings as their patterns.
 */
export const NAMED_PATTERNS = {
  /** A blocked sender: an address (someone@example.com) or a whole domain (@example.com). */
  senderPattern: '^([^@\\s]+@|@)[^@\\s]+\\.[^@\\s]+$',
} as const;

/** The checks written by hand, in the platform and the services; `params` as noted. */
export const CHECK_RULES = [
  /** A schema keyword with no rule of its own: params.keyword. */
  'invalid',
  // platform: input hygiene, instants, cursors, headers
  'nulCharacter',
  'unpairedSurrogate',
  'fieldNameNulCharacter',
  'fieldNameUnpairedSurrogate',
  /** params.limit levels. */
  'nestedTooDeep',
  'urlEncoding',
  'dateTime',
  /** `{min, max}` years. */
  'yearRange',
  'cursor',
  'idempotencyKey',
  'idempotencyKeyReused',
  'caseVersion',
  /** params.other: the field it goes with. */
  'requiredWith',
  /** params.other: the field it must follow. */
  'after',
  /** params.other: the field it must not precede. */
  'notBefore',
  'inFuture',
  /** params.limitKb. */
  'tooLarge',
  'empty',
  'nothingToChange',
  /** params.fields: the fields one of which is needed. */
  'nothingToChangeOf',
  // references to other records
  'noSuchCategory',
  'noSuchTeam',
  'noSuchDepartment',
  'noSuchUser',
  'noSuchActiveUser',
  'noSuchContact',
  'noSuchCustomer',
  'noSuchCase',
  'noSuchCalendar',
  'unknownCategories',
  // names
  'taken',
  /** A reply by e-mail to a customer with no e-mail address. */
  'noRecipient',
  /** An attachment id that is no upload of the caller's waiting on the case (never uploaded, sent already, or pruned). */
  'noSuchUpload',
  /** A file a web chat does not take (by its name, its declared type or its content: files.ts). */
  'fileType',
  /** NAMED_PATTERNS.senderPattern. */
  'senderPattern',
  // webhooks
  /** Not an http:// or https:// URL with a host, or one carrying a user name or password. */
  'httpUrl',
  /** params.host: a loopback, private, link-local or otherwise internal address (SSRF defence). */
  'privateAddress',
  'takenByScript',
  'takenByTemplate',
  'inUse',
  /** params.holder when the reader may see who: the customer's name. */
  'identifierTaken',
  'identifierTakenBy',
  // cases and customers
  'categoryCycle',
  'requiredToResolve',
  'requiredForTransfer',
  'departmentOrParty',
  'outsideParty',
  'requiredWithoutNumber',
  'sameCase',
  'caseAlreadyMerged',
  'caseClosed',
  'inNoTeam',
  'requiredToChangeCustomer',
  'otherCustomer',
  /** params.id: the record it was merged into. */
  'customerMergedInto',
  'caseAlreadyLogged',
  'notCaseCustomer',
  // verification policy
  'anyOfCountExceeds',
  'requiresNothing',
  /** params.particulars. */
  'alreadyRequired',
  /** params.particulars: a site sign-in may stand only for particulars the policy asks for. */
  'siteSignInNotInPolicy',
  // templates and scripts: params.placeholder is the placeholder as written
  'unknownVariable',
  'emptyPlaceholder',
  'unavailableVariable',
  /** `{open, close}`: the braces. */
  'unpairedBraces',
  /** `{written, placeholder}`: what was written, and how a placeholder is written. */
  'singleBraces',
  'requiredForEmail',
  'onlyForEmail',
  /** params.id of the step. */
  'repeatsStepId',
  'nextAndChoices',
  /** params.id it names. */
  'noSuchStep',
  'pointsAtItself',
  'repeatsChoice',
  'needsEndStep',
  'unreachableStep',
  'endlessLoop',
  'noSuchStepInScript',
  // knowledge
  'needsTwoTerms',
  'noLettersOrDigits',
  'noOtherMembers',
  'notAnAuthority',
  // service levels
  'needsAction',
  'emailNeedsNotify',
  'needsTarget',
  'timeZone',
  'intervalFormat',
  'endsAfterStart',
  'overlapsPrevious',
  'neverOpen',
  'date',
  // presence
  /** A break reason that does not exist or is switched off. */
  'noSuchReason',
  /** A reason given for a state other than a break. */
  'onlyForBreak',
  // SMS
  /** Not a number libphonenumber can read as valid (in FRONTLINE_DEFAULT_REGION when written without a country code). */
  'phoneNumber',
  // passwords: params.limit characters
  'passwordTooShort',
  'passwordTooLong',
  'passwordHasUsername',
  'passwordHasName',
  'passwordHasServiceName',
  'passwordRepeats',
  'passwordRun',
  'passwordCommon',
] as const;

export const FIELD_RULES: readonly FieldRule[] = [...SCHEMA_RULES, ...CHECK_RULES];

export type SchemaRule = (typeof SCHEMA_RULES)[number];
export type FieldRule = SchemaRule | (typeof CHECK_RULES)[number];

/** Values a rule's words may need: numbers, codes, names; a list is a list of codes. */
export type FieldParams = Readonly<Record<string, string | number | boolean | readonly (string | number)[]>>;

/** What is wrong with one value, before it is placed at a field: the rule, its values, and the English. */
export interface FieldProblem {
  rule: FieldRule;
  params?: FieldParams;
  message: string;
}
