import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsAccess } from './metrics-access';
import { MetricsRegistry } from './metrics-registry';

/**
 * A worker process has no HTTP server, but its counters (recorded, duplicate, rejected, batch
 * latency) live in its memory: in role `worker` it serves GET /metrics alone on METRICS_PORT
 * (0: not at all), under the same access rule as the API's /metrics.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;
  private readonly logger = new Logger(WorkerMetricsServer.name);

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsRegistry,
    private readonly access: MetricsAccess,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.APP_ROLE !== 'worker' || this.config.METRICS_PORT === 0) return;
    const server = createServer((req, res) => {
      this.answer(req.url, req.socket.remoteAddress, req.headers.authorization).then(
        ({ status, type, body }) => res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body),
        (err: unknown) => {
          this.logger.error({ err }, 'metrics scrape failed');
          res.writeHead(500).end();
        },
      );
    });
    try {
      await new Promise<void>((ready, fail) => server.once('error', fail).listen(this.config.METRICS_PORT, ready));
      this.server = server;
    } catch (err) {
      // A second worker on the same host (or a CLI command booting the worker role) must still
      // work: without its listener it only goes unscraped, which the warning says.
      this.logger.warn({ err, port: this.config.METRICS_PORT }, 'worker metrics listener not started');
    }
  }

  /** The bound port (tests listen on an ephemeral one), or null when not serving. */
  port(): number | null {
    return this.server ? (this.server.address() as AddressInfo).port : null;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((done) => server.close(done));
  }

  private async answer(
    url: string | undefined,
    peer: string | undefined,
    authorization: string | undefined,
  ): Promise<{ status: number; type: string; body: string }> {
    const problem = (status: number, title: string) => ({
      status,
      type: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title, status }),
    });
    if (url?.split('?')[0] !== '/metrics') return problem(404, 'Not Found');
    if (!this.access.peerAllowed(peer) && !(await this.access.keyAllowed(authorization))) return problem(403, 'Forbidden');
    return { status: 200, type: this.metrics.contentType, body: await this.metrics.text() };
  }
}
