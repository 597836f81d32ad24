import type { Argument, CallExpr, Expr } from '../types.js';

/**
 * Dotted path of a callee built of names, attributes and calls: `a.b().c` gives `a.b.c`, so a
 * chain reads as one path. Null when any link is something else (a subscript, a string).
 */
export function getCalleePath(expr: Expr): string | null {
  const segments: string[] = [];
  let current: Expr = expr;
  for (;;) {
    if (current.kind === 'identifier') {
      segments.push(current.name);
      break;
    }
    if (current.kind === 'member') {
      segments.push(current.property);
      current = current.object;
    } else if (current.kind === 'call') {
      current = current.callee;
    } else {
      return null;
    }
  }
  return segments.reverse().join('.');
}

/**
 * Dotted path of an assignment target built of names, attributes and string-keyed subscripts:
 * `app.config['DEBUG']` gives `app.config.DEBUG`. Null when a link is a call or a computed index.
 */
export function getPlainPath(expr: Expr): string | null {
  const segments: string[] = [];
  let current: Expr = expr;
  for (;;) {
    if (current.kind === 'identifier') {
      segments.push(current.name);
      break;
    }
    if (current.kind === 'member') {
      segments.push(current.property);
      current = current.object;
    } else if (current.kind === 'index' && current.key !== null) {
      segments.push(current.key);
      current = current.object;
    } else {
      return null;
    }
  }
  return segments.reverse().join('.');
}

/** Last segment of a dotted path: `flask.jsonify` gives `jsonify`. */
export function getLastSegment(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot === -1 ? path : path.slice(dot + 1);
}

/** Everything before the last segment: `app.route` gives `app`; null for a bare name. */
export function getReceiverPath(path: string): string | null {
  const dot = path.lastIndexOf('.');
  return dot === -1 ? null : path.slice(0, dot);
}

/** Returns the `position`-th argument without a keyword or spread, or null. */
export function getPositional(args: Argument[], position: number): Expr | null {
  let seen = 0;
  for (const argument of args) {
    if (argument.name !== null || argument.spread !== 'none') {
      continue;
    }
    if (seen === position) {
      return argument.value;
    }
    seen += 1;
  }
  return null;
}

/** Returns the value of the first keyword argument among `names`, or null. */
export function getKeyword(args: Argument[], ...names: string[]): Expr | null {
  for (const argument of args) {
    if (argument.name !== null && names.includes(argument.name)) {
      return argument.value;
    }
  }
  return null;
}

/** Returns a keyword argument, else the positional one, as `Route('/p', endpoint=f)` allows. */
export function getArgument(args: Argument[], position: number, ...names: string[]): Expr | null {
  return getKeyword(args, ...names) ?? getPositional(args, position);
}

/** Returns the value of a string literal, or null for anything else. */
export function getStringValue(expr: Expr | null): string | null {
  return expr?.kind === 'string' ? expr.value : null;
}

/** String values of a list, tuple or set literal: `methods=['GET', 'POST']`. */
export function getStringItems(expr: Expr | null): string[] | null {
  if (expr?.kind !== 'array') {
    return null;
  }
  const values: string[] = [];
  for (const item of expr.items) {
    if (item.kind !== 'string') {
      return null;
    }
    values.push(item.value);
  }
  return values;
}

/** Returns a name or dotted path (`views.login`), the call path for a call, else null. */
export function getReferencePath(expr: Expr | null): string | null {
  if (!expr) {
    return null;
  }
  if (expr.kind === 'call') {
    return expr.calleePath;
  }
  return getPlainPath(expr);
}

/** True when `expr` calls something whose last path segment is one of `names`. */
export function isCallTo(expr: Expr | null, names: ReadonlySet<string>): expr is CallExpr {
  if (expr?.kind !== 'call' || expr.calleePath === null) {
    return false;
  }
  return names.has(getLastSegment(expr.calleePath));
}
