// The local SMS provider for the demo (issue 14): a Twilio-compatible API on this machine, so a
// newcomer can text the centre and read its replies with nothing leaving the machine.
//
//   node scripts/sms-simulator.ts --port 4010 --account ACdemo --token demo-token \
//     --inbound http://localhost:3000/api/v1/channels/sms/<endpoint id>/inbound --from +6591234567
//
// Set up the SMS number (Administration → SMS numbers) with provider API address
// http://127.0.0.1:4010, account SID ACdemo and auth token demo-token. Each line typed here is texted
// to the centre from --from; each text the centre sends is printed.
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { SmsSimulator } from '../src/server/channels/sms/simulator.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    account: { type: 'string', default: 'ACdemo' },
    token: { type: 'string', default: 'demo-token' },
    inbound: { type: 'string' },
    from: { type: 'string', default: '+6591234567' },
    to: { type: 'string' },
  },
});
const sim = new SmsSimulator({ [values.account]: values.token });
console.log(`SMS simulator on ${await sim.start(Number(values.port))} (account ${values.account})`);
let seen = 0;
setInterval(() => {
  for (const m of sim.received.slice(seen)) console.log(`\n← to ${m.to} from ${m.from}: ${m.body}`);
  seen = sim.received.length;
}, 250).unref();
if (values.inbound) {
  const to = values.to ?? '';
  console.log(`Type a text and press Enter: it goes to ${values.inbound} from ${values.from}`);
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', async (body) => {
    if (!body.trim()) return;
    const r = await sim.text(values.inbound!, { accountSid: values.account, from: values.from, to, body });
    console.log(`→ ${r.status === 200 ? 'delivered to the centre' : `refused: ${r.status} ${r.body}`}`);
  });
  rl.on('close', () => void sim.stop().then(() => process.exit(0)));
} else await new Promise(() => {});
