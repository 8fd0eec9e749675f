import { applyDecorators } from '@nestjs/common';
import { ValidateBy, ValidateIf, ValidationArguments } from 'class-validator';

/*
 * The house rule for request fields (SPEC §14), applied to every DTO instead of class-validator's
 * IsOptional, which skips every check on null as well and so let null reach the services (and the
 * NOT NULL columns behind them: a 500). Optional means "may be left out"; null is accepted only
 * where the field is documented as nullable, and then means "none".
 */

const notNull = () =>
  ValidateBy({
    name: 'notNull',
    validator: {
      validate: (value: unknown) => value !== null,
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must not be null; leave it out instead`,
    },
  });

/** May be left out; when present (null included) it must pass the field's checks. */
export const OptionalField = () =>
  applyDecorators(
    ValidateIf((_o: object, v: unknown) => v !== undefined),
    notNull(),
  );

/** Required, but may be null ("none"): only for fields documented as nullable, such as a plan's capFen. */
export const NullableField = () => ValidateIf((_o: object, v: unknown) => v !== null);

/** May be left out or null ("none"): only for fields documented as nullable, such as monthlyCapCredits. */
export const OptionalNullableField = () => ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null);
