import { withDeadline } from './with-deadline';

describe('withDeadline', () => {
  it('answers what the work answers when it settles in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, () => new Error('late'))).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('own')), 1000, () => new Error('late'))).rejects.toThrow('own');
  });

  it('fails with the caller’s error when the work does not settle', async () => {
    await expect(withDeadline(new Promise(() => undefined), 10, () => new Error('no answer in 10 ms'))).rejects.toThrow('no answer in 10 ms');
  });
});
