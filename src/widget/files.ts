import type { ChatLine } from '../shared/contracts/chat-protocol.ts';

/**
 * Files in the widget: sent over HTTP with the chat token (the socket's frames are 4 KB), fetched
 * the same way — a plain link cannot carry the token, so a file is downloaded from a blob and a
 * picture drawn from its bytes. Each file is fetched once per page.
 */
export type Attachment = ChatLine['attachments'][number];
export type SendResult = { ok: true } | { ok: false; retry: boolean; rule?: string };

export function size(n: number): string {
  return n < 1024 ? `${n} B` : n < 1048576 ? `${Math.round(n / 1024)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

export class Files {
  private readonly api: string;
  private readonly widgetId: string;
  private readonly token: () => string | null;
  private readonly blobs = new Map<string, Promise<Blob>>();

  constructor(api: string, widgetId: string, token: () => string | null) {
    this.api = api;
    this.widgetId = widgetId;
    this.token = token;
  }

  /** Send one file as the message `clientId`: sent again after a failure, it is the same message. */
  async send(clientId: string, file: File): Promise<SendResult> {
    let r: Response;
    try {
      r = await fetch(`${this.api}/widget/${encodeURIComponent(this.widgetId)}/files`, {
        method: 'POST',
        headers: {
          'content-type': file.type || 'application/octet-stream',
          'x-filename': encodeURIComponent(file.name),
          'x-client-id': clientId,
          'x-chat-token': this.token() ?? '',
        },
        body: file,
      });
    } catch {
      return { ok: false, retry: true };
    }
    if (r.ok) return { ok: true };
    // Refused for what the file is: say why, never send it again. Anything else (the session being
    // renewed, too many at once, the server away) is tried again.
    if (r.status === 400 || r.status === 413 || r.status === 409) {
      const p = (await r.json().catch(() => null)) as { errors?: { rule: string }[] } | null;
      return { ok: false, retry: false, rule: p?.errors?.[0]?.rule ?? 'other' };
    }
    return { ok: false, retry: true };
  }

  /** A file of this chat as a blob (once; a failure is forgotten, so the next click tries again). */
  blob(id: string): Promise<Blob> {
    let p = this.blobs.get(id);
    if (!p) {
      p = fetch(`${this.api}/widget/files/${encodeURIComponent(id)}`, {
        headers: { 'x-chat-token': this.token() ?? '' },
      }).then((r) => {
        if (!r.ok) throw new Error(String(r.status));
        return r.blob();
      });
      p.catch(() => this.blobs.delete(id));
      this.blobs.set(id, p);
    }
    return p;
  }

  /** Save a file under its name (a link to a blob, clicked). */
  async download(a: Attachment, where: Node & ParentNode): Promise<void> {
    const url = URL.createObjectURL(await this.blob(a.id));
    const link = document.createElement('a');
    link.href = url;
    link.download = a.filename;
    where.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /**
   * Draw a picture, at most 200×160, on `c`. A canvas, not an <img> of a blob: URL: a host page's
   * CSP often refuses blob: (and data:) images, but decoding bytes already fetched needs no source.
   */
  thumbnail(a: Attachment, c: HTMLCanvasElement): void {
    this.blob(a.id)
      .then((b) => createImageBitmap(b))
      .then(
        (p) => {
          const k = Math.min(1, 200 / p.width, 160 / p.height);
          const r = window.devicePixelRatio || 1;
          const w = Math.max(1, Math.round(p.width * k));
          const h = Math.max(1, Math.round(p.height * k));
          c.width = Math.round(w * r);
          c.height = Math.round(h * r);
          c.style.width = `${w}px`;
          c.style.height = `${h}px`;
          c.getContext('2d')?.drawImage(p, 0, 0, c.width, c.height);
          p.close();
          c.hidden = false;
        },
        // Not fetched or not decodable: the button with the file's name is enough.
        () => {},
      );
  }
}

/** Whether a picture may be shown in place (what the server serves inline). */
export const isPicture = (a: Attachment) => /^image\/(png|gif|jpeg|webp)$/.test(a.contentType ?? '');
