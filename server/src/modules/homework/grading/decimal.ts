/** An exact decimal: `digits / 10^scale`. Keys and answers are compared with these, never with floats. */
export interface Decimal {
  digits: bigint;
  scale: number;
}

const TYPED = /^([+-]?)(\d*)(?:[.,](\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/**
 * Reads a number as a student types it: `3,14` and `3.14` alike, an exponent allowed. Anything with
 * two separators or grouping spaces (`1 000`, `1,000.5`) is refused as ambiguous: null.
 */
export function parseTypedNumber(raw: string): Decimal | null {
  const text = raw.trim().replace(/\u2212/g, '-');
  const match = TYPED.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = '', exponent] = match;
  if (!whole && !fraction) return null;
  let digits = BigInt(`${whole || '0'}${fraction}`);
  let scale = fraction.length - (exponent ? Number(exponent) : 0);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: sign === '-' ? -digits : digits, scale };
}

/** Parses a key's value (`3.14`, `-2`); keys are validated, so a failure is a programming error. */
export function parseKeyNumber(value: string): Decimal {
  const parsed = parseTypedNumber(value);
  if (!parsed) throw new Error(`not a decimal: ${value}`);
  return parsed;
}

function atScale(value: Decimal, scale: number): bigint {
  return value.digits * 10n ** BigInt(scale - value.scale);
}

/** |a − b| ≤ tolerance, exactly. */
export function withinTolerance(a: Decimal, b: Decimal, tolerance: Decimal): boolean {
  const scale = Math.max(a.scale, b.scale, tolerance.scale);
  const difference = atScale(a, scale) - atScale(b, scale);
  const limit = atScale(tolerance, scale);
  return (difference < 0n ? -difference : difference) <= (limit < 0n ? -limit : limit);
}

export function decimalToString(value: Decimal): string {
  const negative = value.digits < 0n;
  const text = (negative ? -value.digits : value.digits).toString().padStart(value.scale + 1, '0');
  const whole = text.slice(0, text.length - value.scale);
  const fraction = value.scale ? text.slice(text.length - value.scale).replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
