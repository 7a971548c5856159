import { describe, expect, it } from 'vitest';
import { parseCompileOutput } from './compile-diagnostics.js';

describe('parseCompileOutput', () => {
  it('reads javac errors with file, line and message', () => {
    const output = "Main.java:19: error: ';' expected\n        return false\n                    ^\nMain.java:3:5: error: cannot find symbol\n2 errors\n";
    expect(parseCompileOutput(output)).toEqual([
      { file: 'Main.java', line: 19, message: "';' expected" },
      { file: 'Main.java', line: 3, column: 5, message: 'cannot find symbol' },
    ]);
  });

  it('reads a Python syntax error location and the error line below it', () => {
    const output = '  File "main.py", line 4\n    if x\n        ^\nSyntaxError: expected \':\'\n';
    expect(parseCompileOutput(output)).toEqual([{ file: 'main.py', line: 4, message: "SyntaxError: expected ':'" }]);
  });

  it('finds nothing in output without locations', () => {
    expect(parseCompileOutput('error: something went wrong\n')).toEqual([]);
  });
});
