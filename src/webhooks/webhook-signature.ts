import { createHmac } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Webhook-Timestamp';
export const SIGNATURE_HEADER = 'X-Webhook-Signature';

/**
 * `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. The timestamp is inside the MAC so a
 * receiver that rejects old timestamps is safe from replays of a captured request.
 */
export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

export function signedHeaders(secret: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    [TIMESTAMP_HEADER]: String(timestampSeconds),
    [SIGNATURE_HEADER]: webhookSignature(secret, timestampSeconds, body),
  };
}
