/** Where a JSON text first breaks the grammar: 1-based line and column, and what was wrong. */
export interface JsonSyntaxErrorLocation {
  offset: number;
  line: number;
  column: number;
  message: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Finds the first JSON syntax error in `text` (RFC 8259), with its line and column. Engines word and place
 * `JSON.parse` errors differently (some give no position at all), so the location is computed here, the same
 * everywhere. Iterative over containers so deep nesting cannot overflow the stack. Returns a location at the end
 * of the text with message `no syntax error found` when the text is valid.
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxErrorLocation {
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  const n = text.length;
  const describe = (at: number) => (at >= n ? 'end of input' : JSON.stringify(text[at]));
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++) {
      if (text[i + k] !== word[k]) throw new Stop(i + k, `unexpected ${describe(i + k)} in "${word}"`);
    }
    i += word.length;
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= n) throw new Stop(i, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Stop(i, 'control character in string; escape newlines as \\n and tabs as \\t');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, 'bad \\u escape: needs 4 hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Stop(i, `bad escape "\\${e ?? ''}"`);
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null || m[0] === '' || m[0] === '-') throw new Stop(i, `bad number starting with ${describe(i)}`);
    i += m[0].length;
  };
  // Stack of open containers ('{' or '['); a state machine rather than recursion, so nesting cannot overflow.
  const stack: string[] = [];
  let state: 'value' | 'member' | 'after' = 'value';
  const run = () => {
    for (;;) {
      ws();
      if (state === 'value') {
        const c = text[i];
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          ws();
          if (text[i] === (c === '{' ? '}' : ']')) {
            stack.pop();
            i++;
            state = 'after';
          } else state = c === '{' ? 'member' : 'value';
          continue;
        }
        if (c === '"') string();
        else if (c === 't') literal('true');
        else if (c === 'f') literal('false');
        else if (c === 'n') literal('null');
        else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
        else throw new Stop(i, `unexpected ${describe(i)}; expected a value`);
        state = 'after';
      } else if (state === 'member') {
        if (text[i] !== '"') {
          const hint = text[i] === '}' ? ' (trailing commas are not allowed)' : ' (keys need double quotes)';
          throw new Stop(i, `unexpected ${describe(i)}; expected a property name${hint}`);
        }
        string();
        ws();
        if (text[i] !== ':') throw new Stop(i, `unexpected ${describe(i)}; expected ":" after a property name`);
        i++;
        state = 'value';
      } else {
        const top = stack.at(-1);
        if (top === undefined) {
          if (i < n) throw new Stop(i, `unexpected ${describe(i)} after the end of the JSON value`);
          return;
        }
        const close = top === '{' ? '}' : ']';
        if (text[i] === close) {
          stack.pop();
          i++;
        } else if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === close) throw new Stop(i, `unexpected "${close}" (trailing commas are not allowed)`);
          state = top === '{' ? 'member' : 'value';
        } else {
          const what = top === '{' ? 'a property value' : 'an array element';
          throw new Stop(i, `unexpected ${describe(i)}; expected "," or "${close}" after ${what}`);
        }
      }
    }
  };
  let offset = n;
  let message = 'no syntax error found';
  try {
    run();
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    offset = error.offset;
    message = error.reason;
  }
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < n; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1, message };
}
