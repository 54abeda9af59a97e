/**
 * A local stand-in for Zoom, to try the product's Zoom accounts without a Zoom subscription:
 *
 *   npx tsx server/src/cli/fake-zoom.ts --port 4010 [--host 127.0.0.1] [--webhook-url URL] [--webhook-secret S]
 *
 * Opening a meeting's host link starts it and ending it there sends `meeting.ended` to the product,
 * signed like Zoom does. The webhook target defaults to this machine's server (PORT) and the secret
 * to ZOOM_WEBHOOK_SECRET.
 */
import { parseArgs } from 'node:util';
import { loadEnv } from '../config/env.js';
import { startFakeZoom } from '../../../tests/fakes/zoom.js';

const env = loadEnv();
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    'webhook-url': { type: 'string', default: `http://127.0.0.1:${env.PORT}/api/webhooks/zoom` },
    'webhook-secret': { type: 'string', default: env.ZOOM_WEBHOOK_SECRET ?? 'fake-zoom-webhook-secret' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: expected a port number, got "${values.port}"`);
  process.exit(2);
}

const zoom = await startFakeZoom({ port, host: values.host, webhook: { url: values['webhook-url'], secret: values['webhook-secret'] } });
console.log(`Fake Zoom listening on ${zoom.url}

Run the product with:
  ZOOM_OAUTH_URL=${zoom.url} ZOOM_API_URL=${zoom.apiUrl} ZOOM_WEBHOOK_SECRET=${values['webhook-secret']}

Add a pool account with provider "zoom" and any non-empty credentials
(accountId, clientId, clientSecret, userId). Webhooks go to ${values['webhook-url']}.
Ctrl+C stops it.`);

const stop = () => {
  void zoom.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
