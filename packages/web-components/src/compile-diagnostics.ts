/** One compiler message that points at a line of the student's code. */
export interface CompileDiagnostic {
  file?: string;
  line: number;
  column?: number;
  message: string;
}

// javac: `Main.java:3: error: ';' expected`; Python: `File "main.py", line 3`; gcc-like: `main.c:3:5: error: ...`.
const JAVAC = /^([\w./-]+\.\w+):(\d+)(?::(\d+))?:\s*(?:error|warning|fatal error):\s*(.*)$/;
const PYTHON = /^\s*File "([^"]+)", line (\d+)/;
const SQL = /\bline (\d+)(?:, column (\d+))?[:,]?\s*(.*)$/i;

/**
 * Finds the line numbers in compiler output, so the UI can point at them.
 *
 * ### Examples
 * ```ts
 * parseCompileOutput('Main.java:3: error: \';\' expected'); // [{ file: 'Main.java', line: 3, message: "';' expected" }]
 * ```
 */
export function parseCompileOutput(output: string): CompileDiagnostic[] {
  const diagnostics: CompileDiagnostic[] = [];
  const lines = output.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const javac = JAVAC.exec(text);
    if (javac) {
      diagnostics.push({
        file: javac[1]!,
        line: Number(javac[2]),
        ...(javac[3] ? { column: Number(javac[3]) } : {}),
        message: javac[4]!.trim(),
      });
      continue;
    }
    const python = PYTHON.exec(text);
    if (python) {
      // Python prints the error itself a few lines below the location.
      const message = lines.slice(i + 1, i + 5).find((l) => /^\w*(Error|Exception)\b/.test(l.trim()))?.trim() ?? '';
      diagnostics.push({ file: python[1]!, line: Number(python[2]), message });
      continue;
    }
    const sql = SQL.exec(text);
    if (sql && /error/i.test(text)) {
      diagnostics.push({ line: Number(sql[1]), ...(sql[2] ? { column: Number(sql[2]) } : {}), message: text.trim() });
    }
  }
  return diagnostics;
}
