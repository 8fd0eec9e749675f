/** Query strings arrive as text; only a plain decimal integer is converted, anything else stays and fails validation. */
export const queryInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value);
