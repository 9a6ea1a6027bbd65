/**
 * The bare relay that bench/chat.ts measures Frontline against, run as a child process so that
 * its RSS and CPU are its own, as the server's are: a plain `ws` server that relays chat messages
 * between a customer's socket and the officer's socket, in memory, with nothing else — no
 * database, no authentication, no rooms, no invalidate-then-fetch. The same sockets, the same
 * JSON frames, the same rate: what is left is the floor (the kernel, `ws`, JSON, the event loops).
 *
 * Widget sockets (`/widget`): `hello` → `welcome`; `bind {chat}`; `send {clientId, text}` → the
 * chat's officer gets `{type:'message', chat, seq}`, the customer an `ack`; `status` → `status`.
 * Officer sockets (`/officer`): `bind {chats}`; `reply {chat, clientId, text}` → the customer gets
 * `{type:'message', clientId, seq}`, the officer an `ack`.
 *
 * Prints `listening <port>` once it accepts connections.
 */
import http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

interface Chat {
  widget: WebSocket | null;
  officer: WebSocket | null;
  seq: number;
}

const chats = new Map<number, Chat>();
const chatOf = (n: number): Chat => {
  let c = chats.get(n);
  if (!c) {
    c = { widget: null, officer: null, seq: 0 };
    chats.set(n, c);
  }
  return c;
};
const send = (ws: WebSocket | null, m: unknown) => {
  if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
};

const server = http.createServer((_req, res) => {
  res.statusCode = 426;
  res.end();
});
const wss = new WebSocketServer({ server, maxPayload: 4096 });
wss.on('connection', (ws, req) => {
  const officer = (req.url ?? '').startsWith('/officer');
  ws.on('message', (data) => {
    let m: { type?: unknown; chat?: unknown; chats?: unknown; clientId?: unknown; text?: unknown };
    try {
      m = JSON.parse(String(data)) as typeof m;
    } catch {
      return send(ws, { type: 'error', code: 'request.invalid' });
    }
    if (officer) {
      if (m.type === 'bind' && Array.isArray(m.chats))
        for (const n of m.chats) chatOf(Number(n)).officer = ws;
      else if (m.type === 'reply' && typeof m.text === 'string') {
        const c = chatOf(Number(m.chat));
        c.seq += 1;
        send(c.widget, { type: 'message', clientId: m.clientId, seq: c.seq, text: m.text });
        send(ws, { type: 'ack', clientId: m.clientId, seq: c.seq });
      }
      return;
    }
    switch (m.type) {
      case 'hello':
        return send(ws, { type: 'welcome' });
      case 'bind':
        chatOf(Number(m.chat)).widget = ws;
        return;
      case 'send': {
        if (typeof m.text !== 'string') return send(ws, { type: 'error', code: 'request.invalid' });
        const n = Number(m.chat);
        const c = chatOf(n);
        c.seq += 1;
        send(c.officer, { type: 'message', chat: n, seq: c.seq, text: m.text });
        return send(ws, { type: 'ack', clientId: m.clientId, seq: c.seq });
      }
      case 'status':
        return send(ws, { type: 'status' });
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.on('SIGTERM', () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
});
