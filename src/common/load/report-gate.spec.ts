import { AppConfig } from '../../config/app-config';
import { DomainException } from '../http/domain.exception';
import { ReportGate } from './report-gate';

function held(): { promise: Promise<string>; release: (v: string) => void } {
  let release!: (v: string) => void;
  const promise = new Promise<string>((r) => (release = r));
  return { promise, release };
}

describe('ReportGate', () => {
  it('runs up to REPORT_CONCURRENCY at once, queues up to REPORT_QUEUE_LIMIT more, refuses the rest with 503', async () => {
    const gate = new ReportGate({ REPORT_CONCURRENCY: 1, REPORT_QUEUE_LIMIT: 1 } as AppConfig);
    const a = held();
    const b = held();
    const first = gate.run(() => a.promise);
    let secondStarted = false;
    const second = gate.run(() => {
      secondStarted = true;
      return b.promise;
    });
    expect(gate.inFlight).toEqual({ active: 1, waiting: 1 });
    await expect(gate.run(async () => 'third')).rejects.toMatchObject({ status: 503, code: 'REPORTS_BUSY' } as Partial<DomainException>);
    expect(secondStarted).toBe(false);
    a.release('a');
    await expect(first).resolves.toBe('a');
    expect(secondStarted).toBe(true);
    b.release('b');
    await expect(second).resolves.toBe('b');
    expect(gate.inFlight).toEqual({ active: 0, waiting: 0 });
  });

  it('frees the slot when a report fails', async () => {
    const gate = new ReportGate({ REPORT_CONCURRENCY: 1, REPORT_QUEUE_LIMIT: 0 } as AppConfig);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'ok')).resolves.toBe('ok');
  });
});
