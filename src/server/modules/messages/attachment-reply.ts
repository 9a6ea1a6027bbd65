import type { FastifyReply } from 'fastify';

/** Types a browser may show in place; anything else is downloaded (an HTML attachment never runs as our page). */
const SHOWN_INLINE = /^image\/(png|gif|jpeg|webp)$/;

/**
 * Send a stored file with headers that make it safe whoever uploaded it: pictures a browser can
 * show (never SVG) inline, anything else as an octet-stream download; no sniffing a type of its
 * own; sandboxed, so even a file opened in a tab runs nothing as our origin. Shared by the
 * officer's download (cases.read) and the chat visitor's (their chat session).
 */
export function sendAttachment(
  reply: FastifyReply,
  a: { filename: string; content_type: string; data: Uint8Array | null },
  cache = 'private, max-age=3600',
) {
  const inline = SHOWN_INLINE.test(a.content_type);
  return reply
    .header('content-type', inline ? a.content_type : 'application/octet-stream')
    .header(
      'content-disposition',
      `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', cache)
    .send(Buffer.from(a.data ?? new Uint8Array()));
}
