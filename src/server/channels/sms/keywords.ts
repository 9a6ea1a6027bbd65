/**
 * The carrier opt-out keywords (CTIA; Twilio's defaults): a text that is only one of these words,
 * in any case and with surrounding spaces or punctuation, stops or restarts texts to that number.
 * A sentence that merely contains "stop" is a customer writing, not an opt-out.
 */
const STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);
const START = new Set(['START', 'UNSTOP', 'YES', 'OPTIN']);

export type SmsKeyword = { action: 'opt_out' | 'opt_in'; keyword: string };

export function smsKeyword(body: string): SmsKeyword | null {
  const word = body
    .trim()
    .replace(/^[\s.!,;:'"]+|[\s.!,;:'"]+$/g, '')
    .toUpperCase();
  if (STOP.has(word)) return { action: 'opt_out', keyword: word };
  if (START.has(word)) return { action: 'opt_in', keyword: word };
  return null;
}
