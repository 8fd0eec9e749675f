import { CallHandler, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { from, lastValueFrom, Observable } from 'rxjs';
import { ReportGate } from './report-gate';

@Injectable()
export class ReportGateInterceptor implements NestInterceptor {
  constructor(private readonly gate: ReportGate) {}

  intercept(_: unknown, next: CallHandler): Observable<unknown> {
    return from(this.gate.run(() => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}

/** Marks a route as heavy reading: it runs through the process's ReportGate. */
export const HeavyReport = () => UseInterceptors(ReportGateInterceptor);
