import { Lifecycle } from './lifecycle';

type Light = 'red' | 'green' | 'amber' | 'off';
const light = new Lifecycle<Light>('signal', { red: ['green', 'off'], green: ['amber', 'off'], amber: ['red', 'off'], off: [] });

describe('Lifecycle', () => {
  it('allows exactly the listed steps', () => {
    expect(light.canMove('red', 'green')).toBe(true);
    expect(light.canMove('green', 'red')).toBe(false);
    expect(light.canMove('off', 'red')).toBe(false);
  });

  it('refuses an illegal step with a 409 naming both states', () => {
    expect(() => light.assertMove('off', 'green')).toThrow(/signal that is off cannot become green/);
    expect(() => light.assertMove('amber', 'red')).not.toThrow();
  });

  it('lists the states a target can be reached from, for set-wise updates', () => {
    expect(light.sourcesOf('off').sort()).toEqual(['amber', 'green', 'red']);
    expect(light.sourcesOf('green')).toEqual(['red']);
    expect(light.finalStates()).toEqual(['off']);
  });
});
