import type { KbArticleCreateDto } from '../../shared/contracts/knowledge.ts';
import type { KnowledgeService } from '../modules/knowledge/knowledge.service.ts';
import type { Actor } from '../platform/audit.ts';

/**
 * A starter knowledge base for the demo centre: the FAQs, procedures and policies an officer looks
 * up on the first day (002: frequently asked questions, typical complaints, SOPs and policies), some
 * public so the help pages are not empty.
 */
export const DEMO_ARTICLES: KbArticleCreateDto[] = [
  {
    title: 'Payment extension for an overdue bill',
    kind: 'billing',
    audience: 'internal',
    tags: ['payment', 'extension', 'overdue'],
    answer:
      'We can extend your payment due date by up to 14 days once every six months. Your service stays connected and no late fee is charged if you pay by the new date.',
    body: 'A customer who cannot pay by the due date may ask for more time.\n\n1. Verify the customer.\n2. Check the account has had no extension in the last six months.\n3. Grant up to **14 days**; more needs the team leader.\n4. Record the new date on the case and tell the customer the amount and date.\n\nIf the customer cannot pay at all, offer an **instalment plan** instead.',
  },
  {
    title: 'Instalment plan for large bills',
    kind: 'billing',
    audience: 'public',
    tags: ['instalment', 'payment plan'],
    answer:
      'A bill over $200 can be paid in up to 6 monthly instalments with no interest. We will set it up now and send you the schedule by e-mail.',
    body: 'Bills over **$200** can be split into up to 6 monthly instalments, interest-free.\n\nThe first instalment is due on the next bill date. Missing two instalments ends the plan and the balance becomes due.',
  },
  {
    title: 'Roaming day pass: charges abroad',
    kind: 'product',
    audience: 'public',
    tags: ['roaming', 'travel', 'overseas'],
    answer:
      'The roaming day pass costs $10 per 24 hours in 60 destinations and includes 1 GB of data. It starts when you first use data abroad.',
    body: 'The **day pass** costs $10 per 24 hours and includes 1 GB of data, 30 minutes of calls and unlimited texts in 60 destinations.\n\nIt starts automatically the first time the phone uses data abroad. Customers can switch roaming off in the app.',
  },
  {
    title: 'Replace a lost or stolen SIM card',
    kind: 'sop',
    audience: 'internal',
    tags: ['sim', 'lost', 'stolen'],
    answer:
      'I have suspended your line so no one can use it. A replacement SIM will reach you in 2 working days, or you can collect one today at any of our shops with your ID.',
    body: '1. Verify the customer fully (name, ID number and date of birth).\n2. **Suspend the line at once** to stop misuse.\n3. Order a replacement SIM by courier (2 working days) or tell the customer to collect at a shop with ID.\n4. The first replacement in a year is free; then $15.',
  },
  {
    title: 'Late payment fee: when it may be waived',
    kind: 'policy',
    audience: 'internal',
    tags: ['late fee', 'waiver', 'goodwill'],
    answer: 'As a one-off goodwill gesture I have waived the late payment fee on this bill.',
    body: 'The late fee ($10) may be waived **once in 12 months** as goodwill when the customer has paid on time for the previous six months.\n\nA second waiver in the same year needs the team leader. Medical or bereavement reasons: raise to the supervisor.',
  },
  {
    title: 'Broadband is slow or drops: first checks',
    kind: 'troubleshooting',
    audience: 'public',
    tags: ['broadband', 'internet', 'wifi', 'slow'],
    answer:
      'Please restart your router by switching it off for 30 seconds, then connect a computer by cable and run a speed test. If the cable speed is normal, the issue is the Wi-Fi signal.',
    body: '1. Restart the router (off for 30 seconds).\n2. Test by **cable**: if the speed is normal, the problem is Wi-Fi — move the router higher and away from walls.\n3. Check the service-status page for outages in the area.\n4. Still slow by cable: book a technician (Technical Support).',
  },
  {
    title: 'Change to another mobile plan',
    kind: 'product',
    audience: 'public',
    tags: ['plan', 'upgrade', 'downgrade'],
    answer:
      'You can change plan at any time; the new plan starts on your next bill date. Moving to a cheaper plan during a contract has no fee after the first 12 months.',
    body: 'Plans can be changed any time; the change takes effect on the next bill date.\n\nDowngrading within the first 12 months of a contract costs $50. Upgrading is always free.',
  },
  {
    title: 'Keep your number when moving to us (porting)',
    kind: 'faq',
    audience: 'public',
    tags: ['porting', 'number transfer'],
    answer:
      'Yes, you can keep your number. Porting takes one working day; your old provider’s service ends when ours starts.',
    body: 'Customers keep their number when they move to us. We need the account holder’s ID and the number.\n\nPorting takes **one working day**. Do not cancel the old contract first.',
  },
  {
    title: 'Refunds for overcharges',
    kind: 'policy',
    audience: 'internal',
    tags: ['refund', 'overcharge', 'billing error'],
    answer:
      'I have confirmed the overcharge and raised a refund. It will appear as a credit on your next bill, or in your bank account within 7 working days if you prefer.',
    body: 'When a bill is wrong because of our error, refund the full overcharge.\n\n- Up to $100: the officer approves.\n- Over $100: refer to Billing with the evidence.\n\nRefund as bill credit by default; to the bank within 7 working days on request.',
  },
  {
    title: 'Customers with hearing impairment: text relay',
    kind: 'sop',
    audience: 'internal',
    tags: ['hearing impaired', 'accessibility', 'text relay'],
    answer: 'We can continue by text relay or SMS, whichever you prefer.',
    body: 'When the customer record shows **hearing impaired**, offer text relay or SMS first. Allow more time, confirm each step in writing, and note the preference on the case.',
  },
];

export async function seedKnowledge(knowledge: KnowledgeService, actor: Actor): Promise<void> {
  for (const a of DEMO_ARTICLES) await knowledge.create(actor, a, { publish: true });
}
