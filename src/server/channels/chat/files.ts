import { CHAT_FILES } from '../../../shared/contracts/chat.ts';
import type { FieldError } from '../../platform/errors.ts';
import { fieldError } from '../../platform/errors.ts';

/**
 * What a web chat may carry as a file, either way (issue 14, point 3): pictures, PDF, plain text
 * and office documents, at most 10 MB each and 50 from a visitor in one chat. An allow-list, so
 * programs, scripts, HTML and SVG (which runs script when opened) are refused whatever they are
 * called. The file's name decides its type; the declared Content-Type must agree with it (or be
 * the browser's "don't know", application/octet-stream) and the first bytes must be that kind of
 * file — a program renamed to photo.jpg is refused by its content.
 */
export const CHAT_FILE_LIMITS = { fileBytes: CHAT_FILES.maxBytes, perChat: CHAT_FILES.perChat };

type Magic = 'png' | 'jpeg' | 'gif' | 'webp' | 'heic' | 'pdf' | 'ole' | 'zip' | 'rtf' | 'text';

interface Kind {
  type: string;
  /** Other names browsers and systems give the same type. */
  also?: string[];
  magic: Magic;
}

const OOXML = 'application/vnd.openxmlformats-officedocument';
const ODF = 'application/vnd.oasis.opendocument';
const KINDS: Record<string, Kind> = {
  png: { type: 'image/png', magic: 'png' },
  jpg: { type: 'image/jpeg', also: ['image/jpg', 'image/pjpeg'], magic: 'jpeg' },
  jpeg: { type: 'image/jpeg', also: ['image/jpg', 'image/pjpeg'], magic: 'jpeg' },
  gif: { type: 'image/gif', magic: 'gif' },
  webp: { type: 'image/webp', magic: 'webp' },
  heic: { type: 'image/heic', also: ['image/heif'], magic: 'heic' },
  pdf: { type: 'application/pdf', also: ['application/x-pdf'], magic: 'pdf' },
  txt: { type: 'text/plain', magic: 'text' },
  csv: {
    type: 'text/csv',
    // Windows names a .csv by the program that opens it.
    also: ['application/csv', 'text/x-csv', 'text/plain', 'application/vnd.ms-excel'],
    magic: 'text',
  },
  rtf: { type: 'application/rtf', also: ['text/rtf'], magic: 'rtf' },
  doc: { type: 'application/msword', magic: 'ole' },
  xls: { type: 'application/vnd.ms-excel', magic: 'ole' },
  ppt: { type: 'application/vnd.ms-powerpoint', magic: 'ole' },
  docx: { type: `${OOXML}.wordprocessingml.document`, also: ['application/zip'], magic: 'zip' },
  xlsx: { type: `${OOXML}.spreadsheetml.sheet`, also: ['application/zip'], magic: 'zip' },
  pptx: { type: `${OOXML}.presentationml.presentation`, also: ['application/zip'], magic: 'zip' },
  odt: { type: `${ODF}.text`, also: ['application/zip'], magic: 'zip' },
  ods: { type: `${ODF}.spreadsheet`, also: ['application/zip'], magic: 'zip' },
  odp: { type: `${ODF}.presentation`, also: ['application/zip'], magic: 'zip' },
};

/** The extensions accepted (the shared list, which the kinds above must match: tested). */
export const CHAT_FILE_EXTENSIONS: string[] = [...CHAT_FILES.extensions];
export const CHAT_FILE_KINDS = Object.keys(KINDS);

const ascii = (b: Uint8Array, at: number, s: string) =>
  b.length >= at + s.length && [...s].every((c, i) => b[at + i] === c.charCodeAt(0));

function looksLike(magic: Magic, b: Uint8Array): boolean {
  switch (magic) {
    case 'png':
      return b[0] === 0x89 && ascii(b, 1, 'PNG\r\n');
    case 'jpeg':
      return b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
    case 'gif':
      return ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a');
    case 'webp':
      return ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP');
    case 'heic':
      return ascii(b, 4, 'ftyp');
    case 'pdf':
      return ascii(b, 0, '%PDF-');
    case 'ole':
      return [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1].every((x, i) => b[i] === x);
    case 'zip':
      return ascii(b, 0, 'PK\u0003\u0004');
    case 'rtf':
      return ascii(b, 0, '{\\rtf');
    case 'text': {
      // Text has no NUL byte, and is not a page a browser would run ("<html", "<svg", "<script"…).
      const head = b.subarray(0, 8192);
      if (head.includes(0)) return false;
      const start = new TextDecoder().decode(head.subarray(0, 512)).trimStart().toLowerCase();
      return !/^(<!doctype|<html|<svg|<script|<\?xml)/.test(start);
    }
  }
}

/** The extension of a cleaned file name, lower-case ('' when it has none). */
const extensionOf = (filename: string) => {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : '';
};

/** Whether a file of this name may go in a chat at all (by its name; its bytes are checked on upload). */
export const chatFileNameAllowed = (filename: string) => Object.hasOwn(KINDS, extensionOf(filename));

/**
 * Check one file against the chat's rules: the failing fields (none when it may go), and the type
 * it is stored with (the one its name says). `at` names the request's parts for the problem.
 */
export function checkChatFile(
  file: { filename: string; contentType: string; data: Uint8Array },
  at: { filename: string; contentType: string; body: string },
): { errors: FieldError[]; contentType: string } {
  const ext = extensionOf(file.filename);
  const kind = Object.hasOwn(KINDS, ext) ? KINDS[ext] : undefined;
  const accepted = `images, PDF, text and office documents (${CHAT_FILE_EXTENSIONS.join(', ')})`;
  if (!kind)
    return {
      errors: [fieldError(at.filename, 'fileType', `is not a kind of file a chat takes: ${accepted}`)],
      contentType: '',
    };
  const errors: FieldError[] = [];
  if (file.data.byteLength > CHAT_FILE_LIMITS.fileBytes)
    errors.push(
      fieldError(at.body, 'tooLarge', 'the file is too large', {
        limitKb: CHAT_FILE_LIMITS.fileBytes / 1024,
      }),
    );
  else if (!file.data.byteLength) errors.push(fieldError(at.body, 'empty', 'the file is empty'));
  else if (!looksLike(kind.magic, file.data))
    errors.push(fieldError(at.body, 'fileType', `is not the ${ext} file its name says`));
  const declared = file.contentType.split(';')[0]!.trim().toLowerCase();
  if (
    declared &&
    declared !== 'application/octet-stream' &&
    declared !== kind.type &&
    !kind.also?.includes(declared)
  )
    errors.push(fieldError(at.contentType, 'fileType', `${declared} is not what a .${ext} file is`));
  return { errors, contentType: kind.type };
}
