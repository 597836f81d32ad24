import type { CallExpr, Expr } from '../types.js';

/** Maximum segments of a dotted path. Longer chains have no path. */
const MAX_PATH_SEGMENTS = 64;

/**
 * Returns the dotted path of a name, property chain or call chain: `req.body.password`,
 * `this.logger`, `res.status.json` for `res.status(500).json`. Null for anything else.
 */
export function getPath(expr: Expr): string | null {
  const parts: string[] = [];
  let current: Expr = expr;
  for (let depth = 0; depth < MAX_PATH_SEGMENTS; depth++) {
    if (current.kind === 'identifier') {
      parts.push(current.name);
      return parts.reverse().join('.');
    }
    if (current.kind === 'member') {
      parts.push(current.property);
      current = current.object;
      continue;
    }
    if (current.kind === 'index' && current.key !== null) {
      parts.push(current.key);
      current = current.object;
      continue;
    }
    if (current.kind === 'call' && current.calleePath !== null) {
      parts.push(current.calleePath);
      return parts.reverse().join('.');
    }
    return null;
  }
  return null;
}

/** Last segment of a dotted path. */
export function getLastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** First segment of a dotted path. */
export function getFirstSegment(path: string): string {
  const dot = path.indexOf('.');
  return dot === -1 ? path : path.slice(0, dot);
}

/** Returns the value of a string literal or of a template literal without substitutions. */
export function getStringValue(expr: Expr | undefined): string | null {
  return expr?.kind === 'string' ? expr.value : null;
}

export function getNumberValue(expr: Expr | undefined): number | null {
  return expr?.kind === 'literal' && typeof expr.value === 'number' ? expr.value : null;
}

/** Returns the value of the entry `key` of an object literal, when `expr` is one. */
export function getEntry(expr: Expr | undefined, key: string): Expr | null {
  if (expr?.kind !== 'object') {
    return null;
  }
  for (const entry of expr.entries) {
    if (entry.key === key && !entry.spread) {
      return entry.value;
    }
  }
  return null;
}

/** Strips `await` so `await NestFactory.create(...)` reads as the call. */
export function unwrapAwait(expr: Expr): Expr {
  let current = expr;
  while (current.kind === 'other' && current.syntax === 'await' && current.children.length === 1) {
    current = current.children[0]!;
  }
  return current;
}

/** One call of a chain such as `res.status(500).json(body)`. */
export interface ChainLink {
  method: string;
  call: CallExpr;
}

/**
 * Splits a call chain into its root path and its calls, outermost last: `res.status(500).json(x)`
 * gives root `res` and links `status`, `json`. Null when the chain does not start at a path.
 */
export function getCallChain(call: CallExpr): { root: string; links: ChainLink[] } | null {
  const links: ChainLink[] = [];
  let current: CallExpr = call;
  for (let depth = 0; depth < MAX_PATH_SEGMENTS; depth++) {
    const callee = current.callee;
    if (callee.kind !== 'member') {
      return null;
    }
    links.push({ method: callee.property, call: current });
    if (callee.object.kind === 'call') {
      current = callee.object;
      continue;
    }
    const root = getPath(callee.object);
    return root === null ? null : { root, links: links.reverse() };
  }
  return null;
}
