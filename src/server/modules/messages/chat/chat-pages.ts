import type { FastifyInstance } from 'fastify';
import { answerWidgetPreflight, WIDGET_FILE_PATH } from './chat-files.routes.ts';
import type { ChatWidgetsService } from './widgets.service.ts';

/** The demo centre's widget (seeded by `frontline seed`): a fixed id, so /demo/widget can find it. */
export const DEMO_WIDGET_ID = '01900000-0000-7000-8000-00000000c4a7';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * What the app serves for web chat outside the API: /widget.js may be loaded by any site (the
 * widget's socket checks the page's origin, not the script's), and /demo/widget is a plain page of a
 * pretend shop embedding the demo widget, so a newcomer can chat with the officer they are signed
 * in as. Its own loud CSS shows that a host page cannot restyle the widget.
 */
export function chatPages(app: FastifyInstance, widgets: ChatWidgetsService): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.split('?')[0] === '/widget.js') {
      reply.header('cross-origin-resource-policy', 'cross-origin');
      reply.header('cache-control', 'public, max-age=300');
    }
    return payload;
  });
  // The widget's file requests carry a token header: a browser asks first (CORS), before any route.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'OPTIONS' && WIDGET_FILE_PATH.test(req.url)) return answerWidgetPreflight(req, reply);
  });
  app.get('/demo/widget', { schema: { hide: true } }, async (_req, reply) => {
    const w = await widgets.active(DEMO_WIDGET_ID);
    if (!w)
      return reply
        .code(404)
        .type('text/html')
        .send(
          '<!doctype html><meta charset="utf-8"><title>No demo widget</title><p>The demo centre is not loaded.',
        );
    return reply.type('text/html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example Telco — help</title>
<link rel="icon" href="data:,">
<style>
  body { font-family: Georgia, serif; margin: 0; background: #fdf6e3; color: #222; }
  main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  /* A host page's careless global styles: the widget, in its shadow root, is not touched by them. */
  button { background: #ff00aa !important; font-size: 30px !important; }
  * { letter-spacing: 0.05em; }
</style></head>
<body><main>
<h1>Example Telco help centre</h1>
<p>This is a plain page of a pretend customer site. The chat button in the corner is the Frontline
widget <strong>${escapeHtml(w.name)}</strong>, embedded with one script tag; its chats go to the team's queue in
the desktop, where the officer you are signed in as can answer them.</p>
<p><code>&lt;script src="/widget.js" data-frontline-widget="${w.id}" async&gt;&lt;/script&gt;</code></p>
</main>
<script src="/widget.js" data-frontline-widget="${w.id}" async></script>
</body></html>`);
  });
}
