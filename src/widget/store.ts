/**
 * What the widget keeps in the host page's localStorage, per widget: the visitor's token (a
 * cross-site cookie is not possible), the last seq it has shown, and the messages typed and not yet
 * acknowledged, in the order typed — they survive a reload and are sent when the connection returns.
 */
export interface Queued {
  clientId: string;
  text: string;
  /** A file waiting to be sent: kept in the page's memory only (its bytes do not fit localStorage). */
  file?: File;
}
interface Saved {
  token: string | null;
  lastSeq: number;
  outbox: Queued[];
}

export class Store {
  private readonly key: string;
  private state: Saved;

  constructor(widgetId: string) {
    this.key = `frontline-chat:${widgetId}`;
    this.state = { token: null, lastSeq: 0, outbox: [] };
    try {
      const raw = localStorage.getItem(this.key);
      if (raw) this.state = { ...this.state, ...(JSON.parse(raw) as Partial<Saved>) };
    } catch {
      // Storage refused (private mode): the chat works for this page's life.
    }
  }

  private save(): void {
    try {
      const outbox = this.state.outbox.filter((q) => !q.file);
      localStorage.setItem(this.key, JSON.stringify({ ...this.state, outbox }));
    } catch {
      // as above
    }
  }

  get token(): string | null {
    return this.state.token;
  }
  set token(t: string | null) {
    this.state.token = t;
    this.save();
  }
  get lastSeq(): number {
    return this.state.lastSeq;
  }
  set lastSeq(n: number) {
    this.state.lastSeq = n;
    this.save();
  }
  get outbox(): readonly Queued[] {
    return this.state.outbox;
  }
  push(q: Queued): void {
    this.state.outbox.push(q);
    this.save();
  }
  acked(clientId: string): void {
    this.state.outbox = this.state.outbox.filter((q) => q.clientId !== clientId);
    this.save();
  }
  /** A new chat starts from nothing (the last one ended). */
  reset(): void {
    this.state.lastSeq = 0;
    this.state.outbox = [];
    this.save();
  }
}
