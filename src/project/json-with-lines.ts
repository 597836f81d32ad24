/** A JSON document parsed with the 1-based line of every object key. */
export interface JsonWithLines {
  value: unknown;
  /** For each parsed object, the line of each of its keys. */
  keyLines: WeakMap<object, Map<string, number>>;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} at line ${line}`);
    this.name = 'JsonSyntaxError';
  }
}

type Container =
  | { kind: 'object'; value: Record<string, unknown>; key: string | null }
  | {
      kind: 'array';
      value: unknown[];
    };

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const STRING_PATTERN = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses strict JSON (RFC 8259) and records the line of each object key, so lockfile entries can
 * be reported where they are declared. The parser keeps an explicit stack instead of recursing,
 * so deeply nested input cannot overflow the call stack.
 */
export function parseJsonWithLines(text: string): JsonWithLines {
  const keyLines = new WeakMap<object, Map<string, number>>();
  const stack: Container[] = [];
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let root: unknown;
  let hasRoot = false;

  function skipWhitespace(): void {
    while (position < text.length && WHITESPACE.has(text[position])) {
      if (text[position] === '\n') {
        line += 1;
      }
      position += 1;
    }
  }

  function fail(message: string): never {
    throw new JsonSyntaxError(message, line);
  }

  function readString(): string {
    STRING_PATTERN.lastIndex = position;
    const match = STRING_PATTERN.exec(text);
    if (!match) {
      fail('Invalid string');
    }
    position += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  function attach(value: unknown): void {
    const parent = stack.at(-1);
    if (!parent) {
      root = value;
      hasRoot = true;
    } else if (parent.kind === 'array') {
      parent.value.push(value);
    } else {
      // defineProperty keeps a `__proto__` key an own property instead of a prototype change.
      Object.defineProperty(parent.value, parent.key as string, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      parent.key = null;
    }
  }

  // Reads what may follow a value: a comma, a closing bracket, or the end of the document.
  function finishValue(): void {
    while (true) {
      skipWhitespace();
      const parent = stack.at(-1);
      if (!parent) {
        if (position < text.length) {
          fail('Unexpected text after the document');
        }
        return;
      }
      const char = text[position];
      if (char === ',') {
        position += 1;
        skipWhitespace();
        if (parent.kind === 'object') {
          readKey(parent);
        }
        return;
      }
      const closing = parent.kind === 'object' ? '}' : ']';
      if (char !== closing) {
        fail(`Expected "," or "${closing}"`);
      }
      position += 1;
      stack.pop();
    }
  }

  function readKey(container: Extract<Container, { kind: 'object' }>): void {
    if (text[position] !== '"') {
      fail('Expected a string key');
    }
    const keyLine = line;
    const key = readString();
    skipWhitespace();
    if (text[position] !== ':') {
      fail('Expected ":"');
    }
    position += 1;
    container.key = key;
    let lines = keyLines.get(container.value);
    if (!lines) {
      lines = new Map();
      keyLines.set(container.value, lines);
    }
    lines.set(key, keyLine);
  }

  while (true) {
    skipWhitespace();
    if (position >= text.length) {
      fail('Unexpected end of input');
    }
    const char = text[position];
    if (char === '{' || char === '[') {
      position += 1;
      const container: Container =
        char === '{' ? { kind: 'object', value: {}, key: null } : { kind: 'array', value: [] };
      attach(container.value);
      stack.push(container);
      skipWhitespace();
      const closing = char === '{' ? '}' : ']';
      if (text[position] === closing) {
        position += 1;
        stack.pop();
        finishValue();
      } else if (container.kind === 'object') {
        readKey(container);
        continue;
      } else {
        continue;
      }
    } else if (char === '"') {
      attach(readString());
      finishValue();
    } else if (text.startsWith('true', position)) {
      position += 4;
      attach(true);
      finishValue();
    } else if (text.startsWith('false', position)) {
      position += 5;
      attach(false);
      finishValue();
    } else if (text.startsWith('null', position)) {
      position += 4;
      attach(null);
      finishValue();
    } else {
      NUMBER_PATTERN.lastIndex = position;
      const match = NUMBER_PATTERN.exec(text);
      if (!match) {
        fail(`Unexpected character ${JSON.stringify(char)}`);
      }
      position += match[0].length;
      attach(Number(match[0]));
      finishValue();
    }

    if (hasRoot && stack.length === 0) {
      return { value: root, keyLines };
    }
  }
}

/** Narrows a parsed JSON value to a plain object. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
