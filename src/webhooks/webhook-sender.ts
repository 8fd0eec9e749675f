import { Injectable } from '@nestjs/common';

export const DELIVERY_TIMEOUT_MS = 5000;
const ERROR_BODY_CHARS = 200;

export interface SendOutcome {
  /** Null when no HTTP answer came back. */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** The HTTP edge of webhook delivery: one POST, bounded in time, never following redirects. */
@Injectable()
export class WebhookSender {
  async post(url: string, body: string, headers: Record<string, string>): Promise<SendOutcome> {
    const started = Date.now();
    try {
      const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
      const text = await res.text().catch(() => '');
      const error = res.ok ? null : `HTTP ${res.status}${text ? `: ${text.slice(0, ERROR_BODY_CHARS)}` : ''}`;
      return { statusCode: res.status, error, durationMs: Date.now() - started };
    } catch (err) {
      return { statusCode: null, error: describeFailure(err), durationMs: Date.now() - started };
    }
  }
}

function describeFailure(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${DELIVERY_TIMEOUT_MS} ms`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`;
}
