import { EdgeLabError } from '@edgelab/core';

/** Serialises a value for a JSON text column. `undefined` becomes SQL NULL. */
export function toJsonColumn(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/**
 * Parses a JSON text column read back from the database. A value that does not parse is a corrupt row:
 * throws `STORE_CORRUPT` naming the column and the row (`where`), never a bare `SyntaxError`.
 */
export function fromJsonColumn<T>(text: string | null, column: string, where: string): T | null {
  if (text === null) return null;
  if (typeof text !== 'string') {
    throw new EdgeLabError({
      code: 'STORE_CORRUPT',
      message: `${column} of ${where} is a ${typeof text}, not JSON text; the row is corrupt (repair or delete it)`,
    });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new EdgeLabError({
      code: 'STORE_CORRUPT',
      message: `${column} of ${where} is not valid JSON (${error instanceof Error ? error.message : String(error)}); the row is corrupt (repair or delete it)`,
      cause: error,
    });
  }
}

/** Like {@link fromJsonColumn} for a column that must not be NULL. */
export function fromRequiredJsonColumn<T>(text: string | null, column: string, where: string): T {
  const value = fromJsonColumn<T>(text, column, where);
  if (value === null) {
    throw new EdgeLabError({ code: 'STORE_CORRUPT', message: `${column} of ${where} is NULL but is required; the row is corrupt (repair or delete it)` });
  }
  return value;
}
