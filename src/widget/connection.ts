import type { ClientMessage, ServerMessage } from '../shared/contracts/chat-protocol.ts';

/**
 * The widget's socket: connect, say hello, reconnect with back-off (1 s doubling to 30 s, with
 * jitter) whenever it drops — a locked phone, a closed lid, a server restart — and at once when the
 * browser says it is online again. A heartbeat notices a connection that died silently.
 */
export class Connection {
  private ws: WebSocket | null = null;
  private delay = 1000;
  private retry = 0;
  private beat = 0;
  private lastHeard = 0;
  private stopped = false;
  onOpen: () => void = () => {};
  onMessage: (m: ServerMessage) => void = () => {};
  onDown: () => void = () => {};
  private readonly url: string;

  constructor(url: string) {
    this.url = url;
    addEventListener('online', () => this.reconnectNow());
    addEventListener('offline', () => this.drop());
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && navigator.onLine !== false;
  }

  connect(): void {
    if (this.stopped || this.ws) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.schedule();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.lastHeard = Date.now();
      this.onOpen();
      clearInterval(this.beat);
      // Ask for the status every 15 s: an answer proves the connection lives; silence for 35 s drops it.
      this.beat = window.setInterval(() => {
        if (Date.now() - this.lastHeard > 35_000) return this.drop();
        this.send({ type: 'status' });
      }, 15_000);
    };
    ws.onmessage = (e) => {
      this.lastHeard = Date.now();
      this.delay = 1000;
      try {
        this.onMessage(JSON.parse(String(e.data)) as ServerMessage);
      } catch {
        // A frame we cannot read is ignored: the next sync brings the state back.
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.beat);
      this.onDown();
      this.schedule();
    };
  }

  send(m: ClientMessage): boolean {
    if (!this.open) return false;
    this.ws!.send(JSON.stringify(m));
    return true;
  }

  /** Give up on the current socket (it may be dead without knowing): reconnect later. */
  drop(): void {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    clearInterval(this.beat);
    ws.onclose = null;
    try {
      ws.close();
    } catch {
      // already closing
    }
    this.onDown();
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.retry);
    if (this.stopped) return;
    const wait = this.delay * (0.75 + Math.random() / 2);
    this.delay = Math.min(this.delay * 2, 30_000);
    this.retry = window.setTimeout(() => this.connect(), wait);
  }

  private reconnectNow(): void {
    clearTimeout(this.retry);
    this.delay = 1000;
    if (this.ws) this.drop();
    clearTimeout(this.retry);
    this.connect();
  }
}
