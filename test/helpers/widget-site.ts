import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_WIDGET_ID } from '../../src/server/modules/messages/chat/chat-pages.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import type { Desktop } from './desktop.ts';

/**
 * A customer's site on another origin that embeds the demo widget with its one script tag, the
 * widget allowing that origin: what the Chromium chat tests open as the customer.
 */
export async function startWidgetSite(
  desktop: Desktop,
  opts: {
    head?: string;
    viewport?: string;
    /** A customer the site has signed in: its id and HMAC, as the site's server would write them. */
    customer?: { id: string; hash: string };
  } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const signedIn = opts.customer
    ? ` data-customer-id="${opts.customer.id}" data-customer-hash="${opts.customer.hash}"`
    : '';
  const site = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><head><meta name="viewport" content="${opts.viewport ?? 'width=device-width'}">
<title>Example shop</title>${opts.head ?? ''}</head>
<body><main><h1>Example shop</h1><p>Questions? Chat with us.</p></main>
<script src="${desktop.url}/widget.js" data-frontline-widget="${DEMO_WIDGET_ID}"${signedIn} async></script></body></html>`);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  await desktop.services.chatWidgets.update(SYSTEM_ACTOR, DEMO_WIDGET_ID, { allowedOrigins: [url] });
  return { url, close: () => new Promise<void>((r) => site.close(() => r())) };
}
