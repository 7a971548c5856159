import type { LanguageDefinition } from './language-definition.js';

/**
 * SQL (SQLite 3 through Python's `sqlite3`). The student's query is `query.sql`; the harness
 * `runner/edgelab_sql.py` builds an in-memory database from the assignment's `sqlSchema` and the test's `setup`
 * (read from stdin), runs exactly one read-only statement and prints the result set as JSON. The host compares it.
 */
export const sql: LanguageDefinition = {
  id: 'sql',
  displayName: 'SQL (SQLite)',
  image: 'edgelab/sql:bookworm',
  rootfs: 'sql',
  mainFile: 'query.sql',
  filePattern: /^query\.sql$/,
  run: {
    command: () => ['python3', '-I', '-S', 'edgelab_sql.py'],
    limits: (l) => ({ timeMs: l.timeMs, memoryMb: l.memoryMb, outputKb: l.outputKb, addressSpaceMb: l.memoryMb + 64 }),
  },
  memoryPatterns: [/^MemoryError\b/m, /\bout of memory\b/i],
  sessionOverheadMb: 64,
};
