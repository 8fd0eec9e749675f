import { createHmac } from 'node:crypto';
import { signedHeaders, webhookSignature } from './webhook-signature';

describe('webhookSignature', () => {
  it('is the hex HMAC-SHA256 of "timestamp.body" under the secret, prefixed sha256=', () => {
    const expected = createHmac('sha256', 'whsec_0123456789abcdef').update('1764300000.{"a":1}').digest('hex');
    expect(webhookSignature('whsec_0123456789abcdef', 1764300000, '{"a":1}')).toBe(`sha256=${expected}`);
  });

  it('changes with the timestamp, the body and the secret', () => {
    const base = webhookSignature('s'.repeat(16), 1, 'x');
    expect(webhookSignature('s'.repeat(16), 2, 'x')).not.toBe(base);
    expect(webhookSignature('s'.repeat(16), 1, 'y')).not.toBe(base);
    expect(webhookSignature('t'.repeat(16), 1, 'x')).not.toBe(base);
  });

  it('sends the timestamp it signed', () => {
    const h = signedHeaders('secret-secret-16', 1764300000, '{}');
    expect(h['X-Webhook-Timestamp']).toBe('1764300000');
    expect(h['X-Webhook-Signature']).toBe(webhookSignature('secret-secret-16', 1764300000, '{}'));
  });
});
