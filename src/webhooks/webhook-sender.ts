import { LookupAddress, promises as dns } from 'node:dns';
import { IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { isPublicAddress, literalAddressOf } from './webhook-target';

export const DELIVERY_TIMEOUT_MS = 5000;
/** Only the start of an answer is read: enough for an error excerpt, never a whole internal page. */
export const MAX_RESPONSE_BYTES = 4096;
const ERROR_BODY_CHARS = 200;

export interface SendOutcome {
  /** Null when no HTTP answer came back. */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

class TargetRefused extends Error {}

/**
 * The HTTP edge of webhook delivery: one POST, never following redirects, bounded in connect time,
 * total time and bytes read. The target's address is resolved here, checked, and the socket
 * connects to exactly the checked address, so a DNS answer that changes between registration and
 * delivery (or between check and connect) cannot reach a private network.
 */
@Injectable()
export class WebhookSender {
  constructor(private readonly config: AppConfig) {}

  async post(url: string, body: string, headers: Record<string, string>): Promise<SendOutcome> {
    const started = Date.now();
    try {
      const { statusCode, text } = await this.send(new URL(url), body, headers);
      const ok = statusCode >= 200 && statusCode < 300;
      const error = ok ? null : `HTTP ${statusCode}${text ? `: ${text.slice(0, ERROR_BODY_CHARS)}` : ''}`;
      return { statusCode, error, durationMs: Date.now() - started };
    } catch (err) {
      return { statusCode: null, error: describeFailure(err), durationMs: Date.now() - started };
    }
  }

  private send(url: URL, body: string, headers: Record<string, string>): Promise<{ statusCode: number; text: string }> {
    const literal = literalAddressOf(url.hostname);
    if (literal && !this.allowed(literal)) return Promise.reject(new TargetRefused(`target address ${literal} is not public`));
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
        lookup: this.checkedLookup,
        agent: false,
      });
      const total = setTimeout(() => req.destroy(new TimeoutFailure(`no answer within ${DELIVERY_TIMEOUT_MS} ms`)), DELIVERY_TIMEOUT_MS);
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const connect = setTimeout(
          () => req.destroy(new TimeoutFailure(`no connection within ${this.config.WEBHOOK_CONNECT_TIMEOUT_MS} ms`)),
          this.config.WEBHOOK_CONNECT_TIMEOUT_MS,
        );
        socket.once('connect', () => clearTimeout(connect)).once('close', () => clearTimeout(connect));
      });
      req.on('response', (res) => void readCapped(res).then((text) => resolve({ statusCode: res.statusCode ?? 0, text }), reject));
      req.on('error', reject);
      req.on('close', () => clearTimeout(total));
      req.end(body);
    });
  }

  private allowed(address: string): boolean {
    return this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS || isPublicAddress(address);
  }

  /** Resolves once and hands the socket only addresses that were checked. */
  private readonly checkedLookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, family: options.family ?? 0 }).then(
      (found: LookupAddress[]) => {
        const refused = found.find((a) => !this.allowed(a.address));
        if (found.length === 0 || refused)
          return callback(new TargetRefused(`${hostname} resolves to ${refused?.address ?? 'nothing'}, which is not public`), '', 4);
        // Every address handed over was checked above; with `all`, the socket tries them in turn.
        if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, found);
        callback(null, found[0].address, found[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
}

class TimeoutFailure extends Error {}

function readCapped(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8'));
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_RESPONSE_BYTES) {
        res.destroy();
        done();
      }
    });
    res.on('end', done);
    res.on('error', done);
    res.on('aborted', done);
  });
}

function describeFailure(err: unknown): string {
  if (err instanceof TargetRefused || err instanceof TimeoutFailure) return err.message;
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const cause = e?.code ?? e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(err)}${cause && !e?.message?.includes(cause) ? ` (${cause})` : ''}`;
}
