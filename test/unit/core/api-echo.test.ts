import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiProbeSource } from '../../../src/collect/api-source.js';

describe('product API answers that echo the credential', () => {
  it('never pass the token on through the status line, headers or error texts', async () => {
    const token = 'ApiKey c2VjcmV0LWtleS12YWx1ZQ==';
    const server = createServer((req, res) => {
      res.statusMessage = `Echo ${req.headers.authorization}`;
      res.writeHead(500, { 'content-type': `text/plain; echo=${req.headers.authorization}` });
      res.end(`you sent ${req.headers.authorization}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const source = new ApiProbeSource(
        {
          id: 'siem',
          kind: 'siem',
          address: '127.0.0.1',
          tags: [],
          transport: 'http',
          api: { url: `http://127.0.0.1:${port}`, product: 'elasticsearch', token_env: 'SR_TEST_TOKEN' },
        },
        { env: { SR_TEST_TOKEN: token } },
      );
      const opened = await source.open();
      const collected = await source.collect({
        id: 'es-health',
        platform: 'api',
        kind: 'http',
        path: '/_cluster/health',
        products: ['elasticsearch'],
      } as never);
      const everything = JSON.stringify({ opened, collected });
      expect(everything).not.toContain('c2VjcmV0LWtleS12YWx1ZQ');
      expect(everything).not.toContain('\u001b');
    } finally {
      server.close();
    }
  });
});
