// A webhook receiver for tests: an HTTP server on loopback that records every
// request and answers with the status script(n) gives for the n-th one.
// verifyDelivery() checks a recorded request the way an app's route does,
// with verifyWebhook from @clerk/backend/webhooks.

import { createServer } from 'node:http';

const { verifyWebhook } = await import('@clerk/backend/webhooks');

export function startReceiver(script = () => 204) {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const status = script(received.length);
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.statusCode = status;
      res.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/api/webhooks`,
        received,
        take: () => received.splice(0, received.length),
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

export async function verifyDelivery(delivery, signingSecret) {
  const request = new Request('http://localhost:3000/api/webhooks', {
    method: 'POST',
    headers: {
      'svix-id': delivery.headers['svix-id'],
      'svix-timestamp': delivery.headers['svix-timestamp'],
      'svix-signature': delivery.headers['svix-signature'],
      'content-type': delivery.headers['content-type'],
    },
    body: delivery.body,
  });
  return verifyWebhook(request, { signingSecret });
}
