import { ValidateBy, ValidationArguments } from 'class-validator';
import { parseWeight } from '../../billing-rules';

export const CATALOG_STATUSES = ['active', 'retired'] as const;

/** A weight as a decimal string > 0 with at most 4 fractional digits; the rule is billing-rules' parseWeight. */
export const IsWeight = () =>
  ValidateBy({
    name: 'isWeight',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseWeight(value) !== null,
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be a decimal string > 0 with at most 4 fractional digits, e.g. "0.25"`,
    },
  });

export { IsInstant, parseInstant } from '../../common/validation/instant.validator';

/**
 * Validates a property against a rule that depends on its sibling properties (e.g. maxMembers
 * depends on kind), so the error is reported on that field together with every other field error.
 */
export function DependsOnSiblings(name: string, check: (value: unknown, dto: Record<string, unknown>) => boolean, message: string) {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => check(value, (args?.object ?? {}) as Record<string, unknown>),
      defaultMessage: () => message,
    },
  });
}
