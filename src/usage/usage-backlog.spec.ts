import { overloaded } from './usage-backlog';

describe('when ingest refuses new usage', () => {
  const limits = { maxWaitingJobs: 100, maxWaitAgeMs: 30_000 };
  it('accepts below both bounds', () => {
    expect(overloaded({ waitingJobs: 99, oldestWaitingMs: 30_000 }, limits)).toBeNull();
  });
  it('refuses at the job bound, or past the age bound', () => {
    expect(overloaded({ waitingJobs: 100, oldestWaitingMs: 0 }, limits)).toMatch(/100 usage jobs/);
    expect(overloaded({ waitingJobs: 1, oldestWaitingMs: 30_001 }, limits)).toMatch(/30001 ms/);
  });
});
