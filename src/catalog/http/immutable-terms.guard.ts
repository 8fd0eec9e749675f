import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { ImmutableTerms, termsImmutable } from '../catalog-errors';

const IMMUTABLE_TERMS_KEY = 'catalog:immutable-terms';

/**
 * Refuses a PATCH touching a known immutable field with a 409 that says what to do instead.
 * Why a guard: guards run before the global ValidationPipe, which would otherwise answer a
 * generic 400 "not an allowed field"; a field that is genuinely unknown still gets that 400.
 */
@Injectable()
export class ImmutableTermsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const terms = this.reflector.get<ImmutableTerms | undefined>(IMMUTABLE_TERMS_KEY, context.getHandler());
    const body: unknown = context.switchToHttp().getRequest<Request>().body;
    if (!terms || body === null || typeof body !== 'object' || Array.isArray(body)) return true;
    const touched = terms.fields.filter((f) => Object.prototype.hasOwnProperty.call(body, f));
    if (touched.length > 0) throw termsImmutable(terms, touched);
    return true;
  }
}

export const RejectImmutableTerms = (terms: ImmutableTerms) => applyDecorators(SetMetadata(IMMUTABLE_TERMS_KEY, terms), UseGuards(ImmutableTermsGuard));
