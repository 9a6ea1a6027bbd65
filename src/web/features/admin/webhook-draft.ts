// The webhook form's state and what it sends: pure, no React (issue 13, point 8).
import type { WebhookDto } from '../../../shared/contracts/webhooks.ts';

export type Draft = {
  url: string;
  description: string;
  /** `['*']`: every event, including ones a later server adds. */
  all: boolean;
  /** The names chosen, in the server's order. */
  events: string[];
};

/** What the API takes: the contract's shape with the names as the server listed them. */
export type WebhookBody = { url: string; description: string | null; events: string[] };

export function draftOf(w: WebhookDto | null): Draft {
  return {
    url: w?.url ?? '',
    description: w?.description ?? '',
    all: w?.events.includes('*') ?? false,
    events: w?.events.filter((e) => e !== '*') ?? [],
  };
}

/** The whole endpoint as the API takes it; nothing chosen is sent as it is, for the server to refuse by name. */
export function bodyOf(d: Draft): WebhookBody {
  return {
    url: d.url.trim(),
    description: d.description.trim() ? d.description.trim() : null,
    events: d.all ? ['*'] : d.events,
  };
}

/** What an edit changes, and nothing else (a PATCH of only those, with If-Match). */
export function patchOf(before: WebhookDto, d: Draft): Partial<WebhookBody> {
  const was: Record<string, unknown> = bodyOf(draftOf(before));
  const key = (v: unknown) => JSON.stringify(Array.isArray(v) ? [...v].sort() : v);
  return Object.fromEntries(Object.entries(bodyOf(d)).filter(([k, v]) => key(v) !== key(was[k])));
}

export const GROUPS = ['case', 'message', 'customer', 'account', 'contact', 'other'] as const;
export type Group = (typeof GROUPS)[number];

/** The heading an event is listed under: its noun, with a case's messages on their own. */
export function groupOf(name: string): Group {
  if (name.startsWith('case.message_')) return 'message';
  const noun = name.split('.')[0];
  return GROUPS.find((g) => g === noun) ?? 'other';
}

/**
 * How an endpoint looks at a glance: its status from the server, with "failing" for an active one
 * whose recent attempts failed (it is retried, and disabled if that goes on).
 */
export type Shown = 'active' | 'failing' | 'inactive' | 'disabled';
export const shownState = (w: WebhookDto): Shown =>
  w.status === 'active' && w.consecutiveFailures > 0 ? 'failing' : w.status;
