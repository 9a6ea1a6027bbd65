import type { Actor } from '../../platform/audit.ts';
import type { ScriptsService } from './scripts.service.ts';
import type { TemplatesService } from './templates.service.ts';

/** The demo centre's standard phrases, e-mail/SMS templates and call scripts, so a newcomer sees them. */
export async function seedTemplatesAndScripts(
  s: { templates: TemplatesService; scripts: ScriptsService },
  actor: Actor,
): Promise<void> {
  const phrase = (name: string, body: string) => s.templates.create(actor, { kind: 'phrase', name, body });
  await phrase(
    'Thank you for holding',
    'Thank you for holding, {{customer.name}}. I am sorry to have kept you waiting.',
  );
  await phrase(
    'Ask to hold',
    'May I put you on hold for a moment while I check your account? It should take no more than two minutes.',
  );
  await phrase(
    'Give the case reference',
    'Your case reference is {{case.reference}}. Please quote it if you contact us again about this.',
  );
  await phrase(
    'Transfer to the department',
    'I will transfer you to our {{department.name}} team. If we are cut off, you can reach them on {{department.phone}} ({{department.hours}}).',
  );
  await s.templates.create(actor, {
    kind: 'email',
    name: 'Acknowledge the enquiry',
    subject: 'We have your enquiry – {{case.reference}}',
    body: [
      'Dear {{customer.name}},',
      '',
      'Thank you for contacting us about "{{case.subject}}". Your case reference is {{case.reference}}.',
      '',
      'We aim to resolve it by {{case.dueAt}} and will keep you informed until then.',
      '',
      'Yours sincerely,',
      '{{officer.name}}',
      '{{department.name}} · {{department.phone}}',
    ].join('\n'),
  });
  await s.templates.create(actor, {
    kind: 'email',
    name: 'Payment extension confirmed',
    subject: 'Your payment extension – {{case.reference}}',
    body: [
      'Dear {{customer.name}},',
      '',
      'As agreed with you on {{today}}, the bill on account {{account.number}} is now due two weeks later than first stated. No late fee applies if it is paid by then.',
      '',
      'If your circumstances change, call us on {{department.phone}} and quote {{case.reference}}.',
      '',
      'Yours sincerely,',
      '{{officer.name}}',
    ].join('\n'),
  });
  await s.templates.create(actor, {
    kind: 'sms',
    name: 'Call-back promised',
    body: 'Frontline: {{officer.name}} will call you back about case {{case.reference}} by {{case.dueAt}}.',
  });

  await s.scripts.create(actor, {
    name: 'Payment extension',
    description: 'A customer cannot pay the bill on time: find out why, offer what policy allows, confirm.',
    steps: [
      {
        id: 'identity',
        title: 'Confirm identity',
        text: 'Before we discuss the bill, {{customer.name}}, I need to confirm a few details with you. (Verify the customer in the contact flow before you go on.)',
        next: 'reason',
      },
      {
        id: 'reason',
        title: 'Ask the reason',
        text: 'May I ask why you need more time to pay the bill on account {{account.number}}?',
        choices: [
          { label: 'Temporary hardship', next: 'offer' },
          { label: 'Disputes the bill', next: 'dispute' },
          { label: 'Wants to pay in instalments', next: 'instalments' },
        ],
      },
      {
        id: 'offer',
        title: 'Offer an extension',
        text: 'I can extend the due date by up to 14 days. The outstanding balance is {{account.balance}}. Would a new due date two weeks from today, {{today}}, work for you?',
        choices: [
          { label: 'Customer accepts', next: 'confirm' },
          { label: 'Needs longer than 14 days', next: 'instalments' },
        ],
      },
      {
        id: 'instalments',
        title: 'Instalment plan (needs approval)',
        text: "An instalment plan needs a team leader's approval. I will ask for it now, and {{department.name}} will call you back on {{customer.mobile}} within one working day.",
        next: 'close',
      },
      {
        id: 'dispute',
        title: 'Log a bill dispute',
        text: 'I understand you do not agree with the charges. I will ask Billing to check the bill; you need not pay the amount in dispute while they do. Your case reference is {{case.reference}}.',
        next: 'close',
      },
      {
        id: 'confirm',
        title: 'Confirm and record',
        text: 'Thank you, {{customer.name}}. Your bill is now due two weeks from today, and I will send you a confirmation. Your case reference is {{case.reference}}.',
        next: 'close',
      },
      {
        id: 'close',
        title: 'Close the call',
        text: 'Is there anything else I can help you with today? Thank you for calling, {{customer.name}}.',
      },
    ],
  });
  await s.scripts.create(actor, {
    name: 'No service reported',
    description: 'A customer reports no mobile signal or a dead line.',
    steps: [
      {
        id: 'where',
        title: 'Where and since when',
        text: 'I am sorry to hear that, {{customer.name}}. Where are you having no service, and since when?',
        next: 'restart',
      },
      {
        id: 'restart',
        title: 'Basic check',
        text: 'Could you switch the phone off and on again, and tell me whether the signal comes back?',
        choices: [
          { label: 'Service is back', next: 'close' },
          { label: 'Still no service', next: 'refer' },
        ],
      },
      {
        id: 'refer',
        title: 'Refer to Technical Support',
        text: 'I will refer this to Technical Support now, under case {{case.reference}}. They will contact you by {{case.dueAt}}.',
        next: 'close',
      },
      {
        id: 'close',
        title: 'Close the call',
        text: 'Is there anything else I can help you with today? Thank you for calling, {{customer.name}}.',
      },
    ],
  });
}
