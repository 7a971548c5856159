import { EdgeLabError } from '@edgelab/core';

/** Where {@link createStore} keeps its data when no url is given. */
export const DEFAULT_STORE_URL = './data/edgelab.db';

/** A parsed store url: which database and how to reach it. */
export type StoreLocation =
  | { dialect: 'sqlite'; /** A file path, or `:memory:`. */ path: string }
  | {
      dialect: 'postgres';
      /** The connection string passed to `pg` (without EdgeLab's own `schema` parameter). */
      connectionString: string;
      /** From a `?schema=` parameter, if any. */
      schema?: string;
      /** `host:port/database` with no credentials, for error messages. */
      display: string;
    };

/**
 * Parses a store url: a file path, `sqlite:<path>`, `sqlite://<path>`, `:memory:`, or `postgres://…` /
 * `postgresql://…` (an optional `?schema=name` picks the schema). Throws `CONFIG_INVALID` for anything else.
 */
export function parseStoreUrl(url: string = DEFAULT_STORE_URL): StoreLocation {
  const trimmed = url.trim();
  if (trimmed === '') {
    throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `store url is empty; give a file path, sqlite:<path> or postgres://… (default ${DEFAULT_STORE_URL})` });
  }
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return parsePostgresUrl(trimmed);
  if (/^sqlite:/i.test(trimmed)) {
    const path = trimmed.replace(/^sqlite:(\/\/)?/i, '');
    if (path === '') throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `store url "${url}" has no path; write sqlite:./data/edgelab.db or sqlite::memory:` });
    return { dialect: 'sqlite', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  if (scheme) {
    throw new EdgeLabError({
      code: 'CONFIG_INVALID',
      message: `store url "${redactUrl(trimmed)}" uses the unsupported scheme "${scheme[1]}"; use a file path, sqlite:<path> or postgres://user:password@host:5432/database`,
    });
  }
  return { dialect: 'sqlite', path: trimmed };
}

function parsePostgresUrl(url: string): StoreLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `store url "${redactUrl(url)}" is not a valid URL; write postgres://user:password@host:5432/database` });
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `store url schema "${schema}" must be letters, digits and "_", starting with a letter or "_"` });
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default database)';
  const display = `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`;
  return { dialect: 'postgres', connectionString: parsed.toString(), display, ...(schema === undefined ? {} : { schema }) };
}

/** The url with any password replaced by `***`, safe for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}
