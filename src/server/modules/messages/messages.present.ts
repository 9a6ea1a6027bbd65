import type { Selectable } from 'kysely';
import type { MessageDto } from '../../../shared/contracts/messages.ts';
import { type MessageAttachmentsTable, type MessagesTable, parseJson } from '../../platform/db/schema.ts';

type Attachment = Pick<
  Selectable<MessageAttachmentsTable>,
  'id' | 'message_id' | 'filename' | 'content_type' | 'size' | 'content_id' | 'inline'
> & { stored: boolean };

export const attachmentUrl = (attachmentId: string) => `/api/v1/message-attachments/${attachmentId}`;

/** A message for HTTP and the realtime thread: `cid:` images point at the message's own attachments. */
export function presentMessage(m: Selectable<MessagesTable>, attachments: Attachment[]): MessageDto {
  const mine = attachments.filter((a) => a.message_id === m.id);
  const byCid = new Map(mine.filter((a) => a.content_id).map((a) => [a.content_id!.toLowerCase(), a]));
  const html = m.body_html
    ? m.body_html.replace(/src="cid:([^"]+)"/gi, (_all, cid: string) => {
        const a = byCid.get(cid.toLowerCase());
        return a?.stored ? `src="${attachmentUrl(a.id)}"` : 'src=""';
      })
    : null;
  return {
    id: m.id,
    caseId: m.case_id,
    channel: m.channel,
    direction: m.direction as MessageDto['direction'],
    kind: m.kind,
    from: m.from_address ? { address: m.from_address, name: m.from_name } : null,
    to: parseJson(m.to_addresses, []),
    cc: parseJson(m.cc_addresses, []),
    subject: m.subject,
    text: m.body_text,
    html,
    remoteImages: Boolean(m.remote_images),
    attachments: mine.map((a) => ({
      id: a.id,
      filename: a.filename,
      contentType: a.content_type,
      size: a.size,
      inline: Boolean(a.inline),
      stored: a.stored,
      url: a.stored ? attachmentUrl(a.id) : null,
    })),
    state: m.state,
    stateReason: m.state_reason,
    authorId: m.author_id,
    createdAt: m.created_at,
    sentAt: m.sent_at,
  };
}
