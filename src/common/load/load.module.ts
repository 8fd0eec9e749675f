import { Global, Module } from '@nestjs/common';
import { ReportGate } from './report-gate';
import { ReportGateInterceptor } from './report-gate.interceptor';

/** One ReportGate per process, shared by every controller that marks a route @HeavyReport(). */
@Global()
@Module({ providers: [ReportGate, ReportGateInterceptor], exports: [ReportGate, ReportGateInterceptor] })
export class LoadModule {}
