import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The one source of "now" for business decisions (cycles, expiry, validity, stamps written by the
 * application). Injected, so a test or a tool can run the product at another instant; SQL that
 * compares with "now" takes this instant as a parameter rather than calling now().
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
