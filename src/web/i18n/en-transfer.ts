/**
 * English catalogue, transfer (issue 14, point 4): the Transfer dialog of the case workspace and the
 * line that tells the receiving officer who passed the case on and why. Spread into `en` (en.ts).
 */
export const enTransfer = {
  transfer: {
    open: 'Transfer',
    title: 'Transfer {{reference}}',
    to: 'Transfer to',
    choose: '— choose an officer or a queue —',
    officers: 'Officers',
    queues: 'Team queues',
    officer: '{{name}} · {{availability}}',
    queue: '{{name}} · {{count}} waiting',
    availability: {
      available: 'can take it now',
      full: 'no room for it now',
      away: 'away',
      offline: 'offline',
    },
    note: 'Note for whoever takes it',
    noteHint: 'What the customer asked, what you did, what is left.',
    hint: 'An officer is offered it and may decline; it then waits in their team’s queue. The customer is told they are being transferred, without names.',
    send: 'Transfer',
    sending: 'Transferring…',
    cancel: 'Cancel',
    refused: {
      unavailable:
        '{{name}} cannot be offered it now ({{state}}): transfer it to their team’s queue instead.',
      full: '{{name}} has no room for another case of this channel now: transfer it to their team’s queue instead.',
    },
    loading: 'Finding who can take it…',
    context: 'Transferred by {{from}} to {{to}}',
    state: {
      offered: 'waiting for their answer',
      queued: 'waiting in the queue',
      taken: 'taken',
      over: 'done',
    },
  },
} as const;
