import { BadInputProblem, ConflictProblem, DomainException } from '../common/http/domain.exception';
import { FieldError } from '../common/http/problem';

/** Stable machine-readable codes of every catalog refusal, in one place. */
export const CatalogErrorCode = {
  DUPLICATE_CODE: 'DUPLICATE_CODE',
  RATE_VERSION_EXISTS: 'RATE_VERSION_EXISTS',
  MODEL_TERMS_IMMUTABLE: 'MODEL_TERMS_IMMUTABLE',
  PLAN_TERMS_IMMUTABLE: 'PLAN_TERMS_IMMUTABLE',
  PACK_TERMS_IMMUTABLE: 'PACK_TERMS_IMMUTABLE',
  PLAN_RETIRED: 'PLAN_RETIRED',
  PACK_RETIRED: 'PACK_RETIRED',
} as const;

export function duplicateCode(what: string, code: string): DomainException {
  return new ConflictProblem(CatalogErrorCode.DUPLICATE_CODE, `${what} ${code} already exists`);
}

export function rateVersionExists(modelCode: string, effectiveFrom: Date): DomainException {
  return new ConflictProblem(
    CatalogErrorCode.RATE_VERSION_EXISTS,
    `Model ${modelCode} already has a rate version in force from ${effectiveFrom.toISOString()}`,
  );
}

export function retired(code: typeof CatalogErrorCode.PLAN_RETIRED | typeof CatalogErrorCode.PACK_RETIRED, what: string, id: string) {
  return new ConflictProblem(code, `${what} ${id} is retired and can no longer be sold`);
}

/** A reference inside a body that names nothing: a 400 on that field, never a 404. */
export function unknownReference(path: string, what: string, code: string): DomainException {
  return new BadInputProblem(path, `${path} refers to ${what} ${code}, which does not exist`);
}

export function badFields(errors: FieldError[]): DomainException {
  const detail = errors.length === 1 ? errors[0].message : `${errors.length} fields are invalid`;
  return new DomainException(400, 'VALIDATION_FAILED', detail, errors);
}

/** Fields a PATCH may never change, and what the 409 tells the caller to do instead. */
export interface ImmutableTerms {
  code: string;
  fields: readonly string[];
  advice: string;
}

export const PLAN_TERMS: ImmutableTerms = {
  code: CatalogErrorCode.PLAN_TERMS_IMMUTABLE,
  fields: ['code', 'kind', 'monthlyFeeFen', 'allowanceCredits', 'models', 'maxMembers', 'overage', 'rollover'],
  advice: 'Commercial terms of a plan are immutable: create a new plan (and retire this one) instead',
};

export const PACK_TERMS: ImmutableTerms = {
  code: CatalogErrorCode.PACK_TERMS_IMMUTABLE,
  fields: ['code', 'priceFen', 'credits', 'validity'],
  advice: 'Price, credits and validity of a pack are immutable: create a new pack (and retire this one) instead',
};

export const MODEL_TERMS: ImmutableTerms = {
  code: CatalogErrorCode.MODEL_TERMS_IMMUTABLE,
  fields: ['code', 'providerCode', 'inputWeight', 'outputWeight', 'providerInputPricePerMillionFen', 'providerOutputPricePerMillionFen'],
  advice: 'A model keeps its code and provider; rates change only as a new version: POST /v1/models/{code}/rates',
};

export function termsImmutable(terms: ImmutableTerms, touched: string[]): DomainException {
  return new ConflictProblem(terms.code, `${terms.advice} (refused: ${touched.join(', ')})`);
}
