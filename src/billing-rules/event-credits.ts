import { assertCount, toSafeNumber } from './input-guards';
import { assertScaledWeight, WEIGHT_SCALE } from './weight';

const SCALE = BigInt(WEIGHT_SCALE);

/**
 * Credits of one usage event: ceil(inputTokens × inputWeight + outputTokens × outputWeight),
 * weights given scaled by 10^4 (see parseWeight).
 */
export function eventCredits(inputTokens: number, outputTokens: number, inputWeightScaled: number, outputWeightScaled: number): number {
  assertCount(inputTokens, 'inputTokens');
  assertCount(outputTokens, 'outputTokens');
  assertScaledWeight(inputWeightScaled, 'inputWeightScaled');
  assertScaledWeight(outputWeightScaled, 'outputWeightScaled');
  // Why BigInt: tokens × scaled weight passes 2^53 long before the credit total does, and a
  // rounded float product would drop the fraction that decides the ceiling.
  const scaledTotal = BigInt(inputTokens) * BigInt(inputWeightScaled) + BigInt(outputTokens) * BigInt(outputWeightScaled);
  // Why ceil of the sum (not sum of ceils): one event is charged at most one partial credit.
  const credits = (scaledTotal + SCALE - 1n) / SCALE;
  return toSafeNumber(credits, 'eventCredits');
}
