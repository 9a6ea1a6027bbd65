// Every text with placeholders — standard phrases, e-mail and SMS templates, call scripts, the
// progress update and the greeting — shares one small template language: plain text with
// `{{variable}}` placeholders from a fixed list, filled from one set of merge data (dates in the
// case calendar's zone). No dependencies, so the web bundle imports it for the editors and the
// greeting while the server validates and renders with it.

import type { FieldProblem } from './field-rules.ts';

export const TEMPLATE_KINDS = ['phrase', 'email', 'sms'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const TEMPLATE_KIND_LABELS: Record<TemplateKind, string> = {
  phrase: 'Standard phrase',
  email: 'E-mail template',
  sms: 'SMS template',
};

/** Values that stay masked until the customer is verified on the contact (as the customer view masks them). */
export interface TemplateVariable {
  name: string;
  label: string;
  description: string;
  /** Masked or hidden for a caller who may not see the customer's particulars. */
  particular?: boolean;
}

/** The documented variables; anything else between `{{ }}` is refused when a template is saved. */
export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = [
  { name: 'customer.name', label: 'Customer name', description: "The customer's registered name" },
  {
    name: 'customer.mobile',
    label: 'Customer mobile',
    description: "The customer's first phone number",
    particular: true,
  },
  {
    name: 'customer.email',
    label: 'Customer e-mail',
    description: "The customer's first e-mail address",
    particular: true,
  },
  {
    name: 'account.number',
    label: 'Account number',
    description: "The customer's first account number",
    particular: true,
  },
  {
    name: 'account.balance',
    label: 'Account balance',
    description: 'The balance of that account, with its currency',
    particular: true,
  },
  { name: 'case.reference', label: 'Case reference', description: 'The case reference, e.g. CS-000123' },
  { name: 'case.subject', label: 'Case subject', description: 'The subject line of the case' },
  { name: 'case.type', label: 'Case type', description: 'Complaint, request for action, enquiry…' },
  { name: 'case.status', label: 'Case status', description: 'Where the case is, in words' },
  {
    name: 'case.dueAt',
    label: 'Resolution due',
    description: 'When the case is due to be resolved (date and time, in the centre’s time zone)',
  },
  { name: 'case.createdAt', label: 'Case opened', description: 'The date the case was opened' },
  { name: 'officer.name', label: 'Officer name', description: 'Your name (the officer using the template)' },
  {
    name: 'department.name',
    label: 'Department name',
    description: "The case's department (its queue), else your own department",
  },
  { name: 'department.phone', label: 'Department phone', description: 'That department’s phone number' },
  { name: 'department.email', label: 'Department e-mail', description: 'That department’s e-mail address' },
  { name: 'department.hours', label: 'Department hours', description: 'That department’s opening hours' },
  { name: 'today', label: 'Today', description: "Today's date" },
];

const KNOWN = new Map(TEMPLATE_VARIABLES.map((v) => [v.name, v]));
const TOKEN = /\{\{([^{}]*)\}\}/g;

/**
 * The names of the retired single-brace syntax (progress updates and the greeting used to be filled
 * with a name in single braces and UTC dates) and the variables that replaced them. Kept only so that text written
 * in it — stored settings (see migration 202612021100) or an integration still sending it — is
 * translated, never sent as written.
 */
export const LEGACY_PLACEHOLDERS: Readonly<Record<string, string>> = {
  customerName: 'customer.name',
  caseReference: 'case.reference',
  officerName: 'officer.name',
  officer: 'officer.name',
  dueDate: 'case.dueAt',
  subject: 'case.subject',
};
/** A single-brace placeholder: a name in one pair of braces, not inside `{{…}}`. */
const SINGLE = /(?<!\{)\{([A-Za-z][\w.]*)\}(?!\})/g;

/** Rewrite the retired single-brace names (customerName…) as `{{customer.name}}`…; other text is untouched. */
export function upgradeLegacyPlaceholders(text: string): string {
  return text.replace(SINGLE, (all, name: string) => {
    const to = Object.hasOwn(LEGACY_PLACEHOLDERS, name) ? LEGACY_PLACEHOLDERS[name] : undefined;
    return to ? `{{${to}}}` : all;
  });
}

/**
 * A text about to be stored (a template, the progress update, the greeting): retired names
 * translated, then checked. Every store that takes such text uses this, so a problem reads the same
 * wherever it is written.
 */
export function prepareTemplate(
  text: string,
  only?: readonly string[],
): { text: string; problems: FieldProblem[] } {
  const upgraded = upgradeLegacyPlaceholders(text);
  return { text: upgraded, problems: scanTemplate(upgraded, only).problems };
}

export interface Scan {
  /** Known variables used, in order of first use. */
  used: string[];
  /** Problems to report against the field, e.g. `uses an unknown variable {{customer.nickname}}`, each with its rule. */
  problems: FieldProblem[];
}

/**
 * The variables a text uses, and what is wrong with its placeholders (unknown names, a stray `{{`,
 * a name in single braces). Every use reports a problem in these same words. `only` narrows the
 * variables to those the text can be filled with where it is used (the greeting knows no customer).
 */
export function scanTemplate(text: string, only?: readonly string[]): Scan {
  const used: string[] = [];
  const unknown: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const name = (m[1] ?? '').trim();
    if (KNOWN.has(name)) {
      if (!used.includes(name)) used.push(name);
    } else if (!unknown.includes(name)) unknown.push(name);
  }
  // The braces travel in `params`, so a translation's own `{{…}}` stays its interpolation.
  const problems: FieldProblem[] = unknown.map((n) =>
    n
      ? {
          rule: 'unknownVariable',
          params: { placeholder: `{{${n}}}` },
          message: `uses an unknown variable {{${n}}}`,
        }
      : {
          rule: 'emptyPlaceholder',
          params: { placeholder: '{{}}' },
          message: 'has an empty placeholder {{}}',
        },
  );
  if (only) {
    for (const n of used.filter((u) => !only.includes(u)))
      problems.push({
        rule: 'unavailableVariable',
        params: { placeholder: `{{${n}}}` },
        message: `uses {{${n}}}, which is not available here`,
      });
  }
  const rest = text.replace(TOKEN, '');
  if (rest.includes('{{') || rest.includes('}}'))
    problems.push({
      rule: 'unpairedBraces',
      params: { open: '{{', close: '}}' },
      message: 'has a {{ or }} without its pair',
    });
  for (const m of rest.matchAll(SINGLE)) {
    const message = `uses {${m[1]}}: a placeholder is written {{variable}}`;
    if (!problems.some((p) => p.message === message))
      problems.push({
        rule: 'singleBraces',
        params: { written: `{${m[1]}}`, placeholder: '{{variable}}' },
        message,
      });
  }
  return { used, problems };
}

/** One variable's value for a render: null when there is none; `masked` when it is withheld or shown masked. */
export interface VariableValue {
  value: string | null;
  masked?: boolean;
}

export interface Rendered {
  text: string;
  used: string[];
  missing: string[];
  masked: string[];
}

/**
 * Fill the placeholders in one pass (a value that itself looks like `{{…}}` is never expanded).
 * Plain text in, plain text out: whoever shows it as HTML must escape it. A missing value becomes
 * `[label]`, so the gap is visible wherever the text is pasted.
 */
export function renderTemplate(text: string, values: Record<string, VariableValue>): Rendered {
  const used: string[] = [];
  const missing: string[] = [];
  const masked: string[] = [];
  const out = text.replace(TOKEN, (all, raw: string) => {
    const name = raw.trim();
    const known = KNOWN.get(name);
    if (!known) return all;
    if (!used.includes(name)) used.push(name);
    const v = values[name];
    if (v?.masked && !masked.includes(name)) masked.push(name);
    if (v?.value) return v.value;
    if (v?.masked) return '[hidden until verified]';
    if (!missing.includes(name)) missing.push(name);
    return `[${known.label.toLowerCase()}]`;
  });
  return { text: out, used, missing, masked };
}
