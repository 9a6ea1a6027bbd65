import type {
  ChatLine,
  ChatStatusInfo,
  ServerMessage,
  WidgetInfo,
} from '../shared/contracts/chat-protocol.ts';
import { Connection } from './connection.ts';
import { type Attachment, Files, isPicture, size } from './files.ts';
import { type Queued, Store } from './store.ts';
import { STYLES } from './styles.ts';
import { T } from './text.ts';

/**
 * The Frontline web chat widget (issue 14, point 3), embedded with one tag:
 *   <script src="https://frontline.example/widget.js" data-frontline-widget="<widget id>" async></script>
 * and, for a signed-in customer, data-customer-id and data-customer-hash (HMAC-SHA256 of the id
 * with the widget's secret, made by the site's server). Plain DOM in a shadow root: the host page's
 * CSS cannot break it, and it adds a few kilobytes to the page.
 */
/**
 * A paperclip (Feather's, MIT): drawn, since a host page may have no emoji font. Built with the DOM,
 * not innerHTML, so a host page that enforces Trusted Types accepts it.
 */
function clipIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const attrs: Record<string, string> = {
    viewBox: '0 0 24 24',
    width: '22',
    height: '22',
    'aria-hidden': 'true',
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': '2',
    'stroke-linecap': 'round',
  };
  for (const [k, v] of Object.entries(attrs)) svg.setAttribute(k, v);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute(
    'd',
    'M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5',
  );
  svg.append(path);
  return svg;
}

type View = 'loading' | 'prechat' | 'leave' | 'left' | 'chat';

function uuid(): string {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Web addresses in the centre's words as links, built node by node (never parsed as markup): only
 * http and https, opened in a new tab that cannot reach back to this page. Punctuation ending a
 * sentence is not part of the address; a closing bracket is when the address opened one.
 */
function linked(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  let at = 0;
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>"]+/gi)) {
    let u = m[0];
    while (/[.,;:!?'")\]]$/.test(u) && !(u.endsWith(')') && u.includes('('))) u = u.slice(0, -1);
    let href = '';
    try {
      const p = new URL(u);
      if (p.protocol === 'http:' || p.protocol === 'https:') href = p.href;
    } catch {
      // not an address after all: left as text
    }
    if (!href) continue;
    out.push(text.slice(at, m.index), el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, u));
    at = m.index + u.length;
  }
  out.push(text.slice(at));
  return out.filter((x) => x !== '');
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

class Widget {
  private readonly store: Store;
  private readonly conn: Connection;
  private readonly files: Files;
  /** The client id of the file being sent (one at a time: what follows it waits, in order). */
  private sending = '';
  private readonly identity: { id: string; hash: string } | null;
  private info: WidgetInfo | null = null;
  private conv: ChatStatusInfo | null = null;
  private view: View = 'loading';
  private readonly lines = new Map<number, ChatLine>();
  private readonly items = new Map<string, HTMLElement>();
  private readSeq = 0;
  private pendingStart: {
    type: 'start' | 'leave';
    clientId: string;
    name: string;
    email: string;
    question: string;
    language: string;
  } | null = null;
  private typingSent = 0;
  private typingStop = 0;
  private officerTypingTimer = 0;
  private noteTimer = 0;
  private notice = '';
  // DOM
  private readonly launch: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly heading: HTMLHeadingElement;
  private readonly endBtn: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly main: HTMLElement;
  private readonly typing: HTMLElement;
  private log: HTMLElement | null = null;
  private readonly root: ShadowRoot;
  private readonly fileNote = el('p', { class: 'error fnote', role: 'alert' });

  constructor(widgetId: string, url: string, api: string, identity: { id: string; hash: string } | null) {
    this.store = new Store(widgetId);
    this.identity = identity;
    this.conn = new Connection(url);
    this.files = new Files(api, widgetId, () => this.store.token);
    const host = el('div', { 'data-frontline-chat': '' });
    const root = host.attachShadow({ mode: 'open' });
    this.root = root;
    // A constructed sheet is not subject to the host page's CSP (a <style> element needs 'unsafe-inline').
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      root.adoptedStyleSheets = [sheet];
    } catch {
      root.append(el('style', {}, STYLES));
    }
    this.launch = el(
      'button',
      { class: 'launch', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'fl-panel' },
      T.open,
    );
    this.heading = el('h2', { id: 'fl-title' }, T.title);
    this.endBtn = el('button', { type: 'button', hidden: '' }, T.end);
    const close = el('button', { type: 'button', 'aria-label': T.close }, '×');
    this.status = el('div', { class: 'status', role: 'status' });
    this.main = el('div', { class: 'main' });
    this.typing = el('div', { class: 'typing', 'aria-live': 'polite' });
    this.panel = el(
      'section',
      { class: 'panel', id: 'fl-panel', role: 'dialog', 'aria-labelledby': 'fl-title', hidden: '' },
      el('header', {}, this.heading, this.endBtn, close),
      this.status,
      this.main,
      this.typing,
    );
    root.append(this.launch, this.panel);
    document.body.append(host);
    this.launch.onclick = () => this.toggle(true);
    close.onclick = () => this.toggle(false);
    this.endBtn.onclick = () => this.conn.send({ type: 'end' });
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.toggle(false);
    });
    // A file dropped on the chat is sent like one chosen with the button.
    this.panel.addEventListener('dragover', (e) => {
      if (this.main.dataset.view === 'chat') e.preventDefault();
    });
    this.panel.addEventListener('drop', (e) => {
      if (this.main.dataset.view !== 'chat') return;
      e.preventDefault();
      for (const f of e.dataTransfer?.files ?? []) this.attach(f);
    });
    this.conn.onOpen = () =>
      this.conn.send({ type: 'hello', token: this.store.token, identity: this.identity });
    this.conn.onMessage = (m) => this.onMessage(m);
    this.conn.onDown = () => this.renderStatus();
    this.conn.connect();
    this.render();
  }

  private toggle(open: boolean): void {
    this.panel.hidden = !open;
    this.launch.hidden = open;
    this.launch.setAttribute('aria-expanded', String(open));
    if (open) {
      (this.panel.querySelector('input, textarea') as HTMLElement | null)?.focus();
      this.markRead();
    } else this.launch.focus();
  }

  private get maxSeq(): number {
    let m = 0;
    for (const s of this.lines.keys()) m = Math.max(m, s);
    return m;
  }

  private onMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'welcome':
        this.store.token = m.token;
        this.info = m.widget;
        this.conv = m.conversation;
        if (this.conv) {
          this.readSeq = this.conv.officerReadSeq;
          this.setView('chat');
          this.conn.send({ type: 'sync', after: this.maxSeq });
          this.flush();
        } else if (this.pendingStart) {
          this.conn.send(this.pendingStart);
        } else if (this.view === 'loading' || this.view === 'chat') {
          this.store.reset();
          this.setView(this.info.open && this.info.available ? 'prechat' : 'leave');
        }
        break;
      case 'started':
        this.pendingStart = null;
        this.conv = m.conversation;
        this.setView('chat');
        this.conn.send({ type: 'sync', after: this.maxSeq });
        this.flush();
        break;
      case 'ack':
        this.store.acked(m.clientId);
        this.mark(m.clientId, T.sent);
        break;
      case 'messages':
        for (const l of m.items) this.addLine(l);
        if (m.more) this.conn.send({ type: 'sync', after: this.maxSeq });
        this.markRead();
        break;
      case 'status':
        this.conv = m.conversation;
        if (this.conv) this.readSeq = Math.max(this.readSeq, this.conv.officerReadSeq);
        this.renderMarks();
        this.render();
        break;
      case 'left':
        this.pendingStart = null;
        this.notice = T.left(m.reference);
        this.setView('left');
        break;
      case 'transcript_sent':
        this.notice = T.transcriptSent;
        this.renderStatus();
        break;
      case 'error':
        this.onError(m.code, m.clientId, m.field);
        break;
      case 'chat.message_added':
        this.conn.send({ type: 'sync', after: this.maxSeq });
        break;
      case 'chat.changed':
        this.conn.send({ type: 'status' });
        break;
      case 'chat.read':
        this.readSeq = Math.max(this.readSeq, m.version ?? 0);
        this.renderMarks();
        break;
      case 'chat.officer_typing':
        this.officerTyping(Boolean(m.version));
        break;
    }
  }

  /**
   * "… is typing" under the chat, until the officer's message, the chat's end, or 6 s without a new
   * signal (a lost "stopped": the officer's tab closed, the connection dropped).
   */
  private officerTyping(on: boolean): void {
    clearTimeout(this.officerTypingTimer);
    const live = on && this.conv && this.conv.status !== 'ended';
    this.typing.textContent = live ? T.typing(this.conv?.officer ?? T.someone) : '';
    if (live) this.officerTypingTimer = window.setTimeout(() => this.officerTyping(false), 6000);
  }

  /** Why a file was not sent: until the visitor sends a message or attaches a file, or for 15 s. */
  private note(text: string): void {
    clearTimeout(this.noteTimer);
    const end = this.atEnd();
    this.fileNote.textContent = text;
    if (end) this.toEnd();
    if (text) this.noteTimer = window.setTimeout(() => this.note(''), 15_000);
  }

  private atEnd(): boolean {
    const l = this.log;
    return !l || l.scrollHeight - l.scrollTop - l.clientHeight < 8;
  }

  private toEnd(): void {
    if (this.log) this.log.scrollTop = this.log.scrollHeight;
  }

  private onError(code: string, clientId?: string, field?: string): void {
    if (this.pendingStart && clientId === this.pendingStart.clientId) {
      const was = this.pendingStart;
      this.pendingStart = null;
      if ((code === 'chat.closed' || code === 'chat.unavailable') && this.info) {
        // Past closing, or nobody left at work since the page opened: leave a message, as typed.
        this.info = { ...this.info, open: code !== 'chat.closed', available: false };
        this.setView('leave');
        for (const k of ['name', 'email', 'question', 'language'] as const) {
          const field = this.main.querySelector<HTMLInputElement>(`[name="${k}"]`);
          if (field) field.value = was[k];
        }
        this.main.querySelector<HTMLElement>('button[type="submit"]')?.focus();
        return;
      }
      const form = this.main.querySelector('form');
      const err = form?.querySelector('.error');
      if (err) err.textContent = code === 'chat.rate_limited' ? T.tooMany : T.invalid;
      if (field) (form?.querySelector(`[name="${field}"]`) as HTMLElement | null)?.focus();
      return;
    }
    if (clientId && code === 'chat.ended') {
      this.store.acked(clientId);
      this.conn.send({ type: 'status' });
    }
    // server.retry and rate limits: the message stays queued and goes with the next flush.
    if (clientId && (code === 'server.retry' || code === 'chat.rate_limited'))
      window.setTimeout(() => this.flush(), 3000);
  }

  /**
   * Everything typed and not acknowledged, in the order typed (the server numbers them in that
   * order); a file goes over HTTP, and what was typed after it waits until it is in.
   */
  private flush(): void {
    for (const q of this.store.outbox) {
      if (q.file) {
        void this.sendFile(q);
        break;
      }
      if (!this.conn.send({ type: 'send', clientId: q.clientId, text: q.text })) break;
    }
  }

  private async sendFile(q: Queued): Promise<void> {
    // Offline, or the socket down (the token may be renewing): the next welcome flushes again.
    if (this.sending || !this.conn.open) return;
    this.sending = q.clientId;
    const r = await this.files.send(q.clientId, q.file!);
    this.sending = '';
    if (!r.ok && r.retry) {
      window.setTimeout(() => this.flush(), 3000);
      return;
    }
    this.store.acked(q.clientId);
    this.mark(q.clientId, r.ok ? T.sent : T.notSent);
    if (!r.ok) this.note(this.refusal(r.rule));
    this.flush();
  }

  private refusal(rule?: string): string {
    const mb = Math.round((this.info?.files?.maxBytes ?? 0) / 1048576);
    return rule === 'tooLarge' ? T.fileTooBig(mb) : rule === 'fileType' ? T.fileType : T.fileRefused;
  }

  /** A file chosen, pasted or dropped: checked here first (the server checks again), then queued in order. */
  private attach(file: File): void {
    const f = this.info?.files;
    if (!f || this.conv?.status === 'ended') return;
    const ext = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
    const bad = !f.extensions.includes(ext) ? 'fileType' : file.size > f.maxBytes ? 'tooLarge' : '';
    this.note(bad ? this.refusal(bad) : '');
    if (bad) return;
    const q = { clientId: uuid(), text: '', file };
    this.store.push(q);
    this.pendingItem(q);
    this.flush();
  }

  private markRead(): void {
    if (this.panel.hidden || !this.conv || document.visibilityState === 'hidden') return;
    const max = this.maxSeq;
    if (max) this.conn.send({ type: 'read', seq: max });
  }

  private setView(v: View): void {
    this.view = v;
    this.render();
  }

  private renderStatus(): void {
    const c = this.conv;
    let s = '';
    if (this.notice && this.view !== 'left') s = this.notice;
    else if (c?.status === 'waiting' && c.position) s = T.waiting(c.position, c.waitMinutes ?? 1);
    else if (c?.status === 'active') s = T.with(c.officer ?? T.someone);
    else if (c?.status === 'ended') s = T.ended;
    if (!this.conn.open && this.view !== 'loading') s = T.offline;
    this.status.textContent = s;
    this.endBtn.hidden = !(this.view === 'chat' && c && c.status !== 'ended');
  }

  private render(): void {
    if (this.info) this.heading.textContent = this.info.name;
    this.renderStatus();
    const want = this.view === 'chat' ? (this.conv?.status === 'ended' ? 'ended' : 'chat') : this.view;
    if (this.main.dataset.view === want) return;
    this.main.dataset.view = want;
    this.main.replaceChildren();
    this.log = null;
    if (want === 'prechat' || want === 'leave') this.main.append(this.preForm(want === 'leave'));
    else if (want === 'left') this.main.append(el('p', { class: 'note' }, this.notice));
    else if (want === 'chat' || want === 'ended') {
      this.log = el('div', { class: 'log', role: 'log', 'aria-label': T.messages });
      this.items.clear();
      this.main.append(this.log);
      for (const l of [...this.lines.values()].sort((a, b) => a.seq - b.seq)) this.addLine(l, true);
      for (const q of this.store.outbox) this.pendingItem(q);
      this.note('');
      if (want === 'chat') this.main.append(this.fileNote, this.composer());
      else {
        this.officerTyping(false);
        const b = el('button', { type: 'button', class: 'primary' }, T.transcript);
        b.onclick = () => this.conn.send({ type: 'transcript' });
        this.main.append(el('div', { class: 'note' }, b));
      }
      // What comes under the messages takes its height from the log: the last one stays in sight.
      this.toEnd();
    }
  }

  private preForm(leave: boolean): HTMLFormElement {
    const name = el('input', { name: 'name', autocomplete: 'name', required: '', maxlength: '100' });
    const email = el('input', {
      name: 'email',
      type: 'email',
      autocomplete: 'email',
      required: '',
      maxlength: '254',
    });
    const question = el('textarea', { name: 'question', rows: '3', required: '', maxlength: '2000' });
    const lang = el('select', { name: 'language' }, ...T.languages.map((l) => el('option', { value: l }, l)));
    const err = el('p', { class: 'error', role: 'alert' });
    const intro = leave ? (this.info && !this.info.open ? T.closedIntro : T.leaveIntro) : '';
    const f = el(
      'form',
      { novalidate: '' },
      ...(intro ? [el('p', {}, intro)] : []),
      ...(this.info?.identified ? [el('p', {}, T.verified)] : []),
      el('label', {}, T.name, name),
      el('label', {}, T.email, email),
      el('label', {}, T.question, question),
      el('label', {}, T.language, lang),
      err,
      el('button', { type: 'submit', class: 'primary' }, leave ? T.leave : T.start),
    );
    f.onsubmit = (e) => {
      e.preventDefault();
      const bad = [name, email, question].find((i) => !i.checkValidity() || !i.value.trim());
      if (bad) {
        err.textContent = T.invalid;
        bad.setAttribute('aria-invalid', 'true');
        bad.focus();
        return;
      }
      err.textContent = '';
      this.pendingStart = {
        type: leave ? 'leave' : 'start',
        clientId: uuid(),
        name: name.value.trim(),
        email: email.value.trim(),
        question: question.value.trim(),
        language: lang.value,
      };
      if (!this.conn.send(this.pendingStart)) this.renderStatus();
    };
    return f;
  }

  private composer(): HTMLFormElement {
    const ta = el('textarea', {
      rows: '1',
      'aria-label': T.message,
      maxlength: String(this.info?.maxText ?? 2000),
    });
    const files = this.info?.files;
    const picker = el('input', {
      type: 'file',
      hidden: '',
      multiple: '',
      accept: files?.extensions.map((x) => `.${x}`).join(',') ?? '',
    });
    const attach = el('button', { type: 'button', class: 'attach', 'aria-label': T.attach, title: T.attach });
    attach.append(clipIcon());
    attach.onclick = () => picker.click();
    picker.onchange = () => {
      for (const file of picker.files ?? []) this.attach(file);
      picker.value = '';
    };
    ta.onpaste = (e) => {
      const pasted = e.clipboardData?.files;
      if (!pasted?.length) return;
      e.preventDefault();
      for (const file of pasted) this.attach(file);
    };
    const f = el(
      'form',
      { class: 'compose' },
      ...(files ? [picker, attach] : []),
      ta,
      el('button', { type: 'submit', class: 'primary' }, T.send),
    );
    const submit = () => {
      const text = ta.value.trim();
      if (!text) return;
      ta.value = '';
      this.note('');
      const clientId = uuid();
      this.store.push({ clientId, text });
      this.pendingItem({ clientId, text });
      // Behind a file still being sent, it goes when that one is in (flush): order kept.
      if (!this.store.outbox.some((q) => q.file)) this.conn.send({ type: 'send', clientId, text });
      this.stopTyping();
    };
    f.onsubmit = (e) => {
      e.preventDefault();
      submit();
    };
    ta.onkeydown = (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        submit();
      }
    };
    ta.oninput = () => {
      const now = Date.now();
      if (now - this.typingSent > 3000) {
        this.typingSent = now;
        this.conn.send({ type: 'typing', typing: true });
      }
      clearTimeout(this.typingStop);
      this.typingStop = window.setTimeout(() => this.stopTyping(), 4000);
    };
    queueMicrotask(() => ta.focus());
    return f;
  }

  private stopTyping(): void {
    clearTimeout(this.typingStop);
    if (!this.typingSent) return;
    this.typingSent = 0;
    this.conn.send({ type: 'typing', typing: false });
  }

  private item(side: string, text: string, meta: string, files: Attachment[] = [], file?: File): HTMLElement {
    const bubble = el('span', { class: 'bubble' });
    this.fill(bubble, side === 'visitor' ? [text] : linked(text), files, file);
    const li = el('div', { class: side }, bubble, el('span', { class: 'meta' }, meta));
    this.log?.append(li);
    if (this.log) this.log.scrollTop = this.log.scrollHeight;
    return li;
  }

  /** A message's words and files: each file a button that downloads it, a picture shown in it. */
  private fill(bubble: Element, words: (Node | string)[], files: Attachment[], pending?: File): void {
    bubble.replaceChildren(
      ...words.filter((w) => w !== ''),
      ...files.map((a) => {
        const img = el('canvas', { class: 'thumb', hidden: '', 'aria-hidden': 'true' });
        if (isPicture(a)) this.files.thumbnail(a, img);
        const b = el(
          'button',
          { type: 'button', class: 'file' },
          img,
          el('span', { class: 'sr' }, T.download),
          `${a.filename} (${size(a.size)})`,
        );
        b.onclick = () => void this.files.download(a, this.root).catch(() => this.note(T.fileRefused));
        return b;
      }),
      ...(pending ? [el('span', { class: 'file' }, `${pending.name} (${size(pending.size)})`)] : []),
    );
  }

  private pendingItem(q: Queued): void {
    if (!this.log || this.items.has(`c${q.clientId}`)) return;
    const meta = !this.conn.open ? T.queued : q.file ? T.sending : '';
    this.items.set(`c${q.clientId}`, this.item('visitor', q.text, meta, [], q.file));
  }

  private addLine(l: ChatLine, rerender = false): void {
    if (this.lines.has(l.seq) && !rerender) return;
    this.lines.set(l.seq, l);
    this.store.lastSeq = Math.max(this.store.lastSeq, l.seq);
    if (!this.log) return;
    const pending = this.items.get(`c${l.clientId}`);
    if (pending) {
      // Our own message, now numbered: the same bubble, never a second one.
      this.items.delete(`c${l.clientId}`);
      this.items.set(`s${l.seq}`, pending);
      this.store.acked(l.clientId);
      const bubble = pending.querySelector('.bubble');
      if (bubble && l.attachments.length) this.fill(bubble, [l.text], l.attachments);
    } else if (!this.items.has(`s${l.seq}`)) {
      // The officer's message ends their typing (its "stopped" may come later, or never).
      if (l.side === 'officer' && !rerender) this.officerTyping(false);
      const who = l.side === 'officer' ? (l.author ?? T.someone) : l.side === 'visitor' ? '' : '';
      this.items.set(`s${l.seq}`, this.item(l.side, l.text, who, l.attachments));
    }
    this.renderMarks();
  }

  private mark(clientId: string, text: string): void {
    const li = this.items.get(`c${clientId}`);
    const meta = li?.querySelector('.meta');
    if (meta) meta.textContent = text;
  }

  /** Sent / Read under the visitor's own messages. */
  private renderMarks(): void {
    for (const [key, li] of this.items) {
      if (!key.startsWith('s') || !li.classList.contains('visitor')) continue;
      const seq = Number(key.slice(1));
      const meta = li.querySelector('.meta');
      if (meta) meta.textContent = seq <= this.readSeq ? T.read : T.sent;
    }
  }
}

const script =
  (document.currentScript as HTMLScriptElement | null) ??
  document.querySelector<HTMLScriptElement>('script[data-frontline-widget]');
const widgetId = script?.dataset.frontlineWidget;
if (script && widgetId) {
  const base = new URL(script.src, location.href);
  const url = `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}/api/v1/widget/${encodeURIComponent(widgetId)}/socket`;
  const api = `${base.protocol}//${base.host}/api/v1`;
  const id = script.dataset.customerId;
  const hash = script.dataset.customerHash;
  const start = () => new Widget(widgetId, url, api, id && hash ? { id, hash } : null);
  if (document.body) start();
  else addEventListener('DOMContentLoaded', start);
}
