/**
 * The web chat widget's WebSocket protocol (`/api/v1/widget/:widgetId/socket`), shared by the
 * server and the widget bundle. Types only: the widget imports nothing that runs.
 *
 * Every client message that adds something carries a client id (a UUID the widget makes when the
 * visitor presses Send): the server makes one message of it however often it arrives. The server
 * numbers a conversation's messages 1, 2, 3… (`seq`); a client that reconnects says the last seq it
 * has (`sync.after`) and receives what came after, in order. Server pushes follow the realtime
 * rule of the desktop: `{type: 'chat.*', id, version}` says "something changed", and the widget
 * asks (`sync`, `status`) — except typing, which is ephemeral and never stored.
 */

/** A message in a chat as the visitor sees it. */
export interface ChatLine {
  seq: number;
  /** The client id it was sent with (the widget's own messages reconcile by it). */
  clientId: string;
  side: 'visitor' | 'officer' | 'system';
  /** The officer's display name for an officer's message; null otherwise. */
  author: string | null;
  text: string;
  at: string;
  /** Files: fetched with the chat token from /api/v1/widget/files/:id (contentType: newer servers). */
  attachments: { id: string; filename: string; size: number; contentType?: string }[];
}

export type ChatStatus = 'waiting' | 'active' | 'ended';

/** Where a chat stands, for the widget's header. */
export interface ChatStatusInfo {
  status: ChatStatus;
  /** 1 = next to be answered; null once answered or ended. */
  position: number | null;
  /** Expected wait in whole minutes while waiting; null otherwise. */
  waitMinutes: number | null;
  officer: string | null;
  /** The last seq the officer has read (read receipts). */
  officerReadSeq: number;
  reference: string;
}

export interface WidgetInfo {
  name: string;
  /** Within the widget's hours. */
  open: boolean;
  /** Someone of the widget's team is signed in. */
  available: boolean;
  /** A signed-in customer's identity was verified by the site's HMAC. */
  identified: boolean;
  maxText: number;
  /** Files the visitor may send (newer servers): the largest, and the extensions taken. */
  files?: { maxBytes: number; extensions: string[] };
}

export type ClientMessage =
  | { type: 'hello'; token: string | null; identity?: { id: string; hash: string } | null }
  | {
      type: 'start';
      clientId: string;
      name: string;
      email: string;
      question: string;
      language?: string | null;
    }
  | { type: 'send'; clientId: string; text: string }
  | { type: 'sync'; after: number }
  | { type: 'status' }
  | { type: 'typing'; typing: boolean }
  | { type: 'read'; seq: number }
  | {
      type: 'leave';
      clientId: string;
      name: string;
      email: string;
      question: string;
      language?: string | null;
    }
  | { type: 'transcript' }
  | { type: 'end' };

export type ServerMessage =
  | { type: 'welcome'; token: string; widget: WidgetInfo; conversation: ChatStatusInfo | null }
  | { type: 'started'; conversation: ChatStatusInfo }
  | { type: 'ack'; clientId: string; seq: number }
  | { type: 'messages'; items: ChatLine[]; more: boolean }
  | { type: 'status'; conversation: ChatStatusInfo | null }
  | { type: 'left'; reference: string }
  | { type: 'transcript_sent' }
  | { type: 'error'; code: string; clientId?: string; field?: string }
  /** Invalidations (the dispatcher's): re-ask with `sync` or `status`. */
  | { type: 'chat.message_added' | 'chat.changed' | 'chat.read'; id: string; version?: number }
  | { type: 'chat.officer_typing'; id: string; version?: number };
