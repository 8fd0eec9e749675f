import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches, ValidateBy, ValidationOptions, buildMessage } from 'class-validator';

const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f-\u009f]*$/;

export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const EXTERNAL_REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const SUBSCRIBER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/;
export const EVENT_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

const text = (min: number, max: number) =>
  applyDecorators(IsString(), Length(min, max), Matches(NO_CONTROL_CHARS, { message: '$property must not contain control characters' }));

/** Names and descriptions: 1..200 characters, no control characters. */
export const IsName = () => text(1, 200);
/** Free-text reasons: 1..500 characters, no control characters. */
export const IsReason = () => text(1, 500);

const pattern = (re: RegExp, what: string) => applyDecorators(IsString(), Matches(re, { message: `$property must be ${what}` }));

export const IsCode = () => pattern(CODE_PATTERN, 'a code of 1..64 letters, digits, ".", "_", ":" or "-"');
export const IsExternalRef = () => pattern(EXTERNAL_REF_PATTERN, '1..64 letters, digits, ".", "_" or "-"');
export const IsSubscriberId = () => pattern(SUBSCRIBER_ID_PATTERN, '1..128 letters, digits or ".", "_", ":", "@", "+", "-"');
export const IsEventId = () => pattern(EVENT_ID_PATTERN, '1..128 printable characters');

/**
 * A JSON number that is an integer within [min, max] and within 2^53 − 1. Strings, booleans and
 * arrays are refused: there is no implicit conversion.
 */
export function IsSafeInt(min = 0, max = Number.MAX_SAFE_INTEGER, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isSafeInt',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
        defaultMessage: buildMessage((each) => `${each}$property must be an integer from $constraint1 to $constraint2`, options),
      },
    },
    options,
  );
}
