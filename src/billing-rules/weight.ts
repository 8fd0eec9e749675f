import { BillingRuleError } from './billing-rule-error';

/** Weights are held as integers scaled by 10^4: "0.1234" -> 1234, "2" -> 20000. */
export const WEIGHT_SCALE = 10_000;

/** Largest weight representable: "999999999.9999" (9 integer digits, 4 fractional). */
export const MAX_WEIGHT_SCALED = 999_999_999 * WEIGHT_SCALE + 9_999;

// ASCII digits only: "1e3", "+1", " 1", ".5", "1." and 5+ fractional digits never match.
const PLAIN_DECIMAL = /^([0-9]{1,9})(?:\.([0-9]{1,4}))?$/;

/**
 * Parses a model weight written as a plain decimal ("0.1234", "2", "1.5") into its scaled
 * integer, or returns null if the text is not a plain decimal > 0 with at most 4 fractional
 * digits and at most 9 integer digits. Leading zeros in the integer part are tolerated.
 */
export function parseWeight(text: string): number | null {
  if (typeof text !== 'string') return null;
  const match = PLAIN_DECIMAL.exec(text);
  if (match === null) return null;
  const integerPart = Number(match[1]);
  const fractionPart = Number((match[2] ?? '').padEnd(4, '0'));
  const scaled = integerPart * WEIGHT_SCALE + fractionPart;
  return scaled > 0 ? scaled : null;
}

/** Formats a scaled weight in minimal decimal form: 20000 -> "2", 15000 -> "1.5", 1234 -> "0.1234". */
export function formatWeight(scaled: number): string {
  assertScaledWeight(scaled, 'weight');
  const integerPart = Math.floor(scaled / WEIGHT_SCALE);
  const fractionPart = scaled % WEIGHT_SCALE;
  if (fractionPart === 0) return String(integerPart);
  const digits = String(fractionPart).padStart(4, '0').replace(/0+$/, '');
  return `${integerPart}.${digits}`;
}

/** Asserts `scaled` is a valid scaled weight: an integer in 1..MAX_WEIGHT_SCALED. */
export function assertScaledWeight(scaled: number, name: string): void {
  if (!Number.isInteger(scaled) || scaled <= 0 || scaled > MAX_WEIGHT_SCALED) {
    throw new BillingRuleError('INVALID_WEIGHT', `${name} must be a scaled weight in 1..${MAX_WEIGHT_SCALED}, got ${String(scaled)}`);
  }
}
