import { AddressInfo } from 'node:net';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';

export interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP endpoint on 127.0.0.1 and a free port. `answer` picks the status of each request
 * from how many came before it, so a test can script "fail twice, then succeed".
 */
export class Receiver {
  readonly requests: Received[] = [];
  private server: Server;

  constructor(public answer: (index: number) => number = () => 204) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const index = this.requests.length;
        this.requests.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const status = this.answer(index);
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status >= 300 ? `scripted ${status}` : '');
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/alerts`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
