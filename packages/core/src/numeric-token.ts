const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(?:(inf|infinity)|(nan))$/i;

/**
 * Reads a token as a number when it is one: decimal or scientific notation, `inf`/`Infinity`/`nan`/`NaN` with an
 * optional sign (how Python, Java and C print them). Anything else (`0x10`, `1,5`, ``) is not a number.
 */
export function parseNumericToken(token: string): number | undefined {
  const text = token.trim();
  if (DECIMAL.test(text)) return Number(text);
  const special = SPECIAL.exec(text);
  if (special === null) return undefined;
  if (special[3] !== undefined) return Number.NaN;
  return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

// Binary rounding makes |1.000001 - 1| a hair above 1e-6; a relative slack this small changes no real verdict.
const SLACK = 1 + 1e-9;

/**
 * True when `actual` is within tolerance of `expected`: `|a-e| <= absTol` or `|a-e| <= relTol*|e|`. NaN is never
 * equal (not even to NaN); an infinity equals only the same-signed infinity; `-0` equals `0`.
 */
export function numbersClose(expected: number, actual: number, absTol: number, relTol: number): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return false;
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return expected === actual;
  const diff = Math.abs(actual - expected);
  return diff <= absTol * SLACK || diff <= relTol * Math.abs(expected) * SLACK;
}
