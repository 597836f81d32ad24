import type { BindingFact, Expr, FileModel, FunctionFact } from './types.js';

/** How far `walkFlow` follows bindings from the expression it starts at. */
const MAX_BINDING_HOPS = 8;
/** Upper bound on expressions one walk visits, so generated code cannot make a walk explode. */
const MAX_VISITED = 5000;

/**
 * Per-file lookup of bindings by function and name. Built once per file, then shared by every
 * rule, so no rule runs its own pass over the bindings.
 */
export interface FlowIndex {
  file: FileModel;
  functionsById: Map<number, FunctionFact>;
  bindings: Map<string, BindingFact[]>;
}

const indexes = new WeakMap<FileModel, FlowIndex>();

/** Returns the flow index of `file`, building it on first use. */
export function getFlowIndex(file: FileModel): FlowIndex {
  let index = indexes.get(file);
  if (!index) {
    const bindings = new Map<string, BindingFact[]>();
    for (const binding of file.bindings) {
      const key = `${binding.functionId}:${binding.name}`;
      const list = bindings.get(key);
      if (list) {
        list.push(binding);
      } else {
        bindings.set(key, [binding]);
      }
    }
    index = {
      file,
      functionsById: new Map(file.functions.map((fn) => [fn.id, fn])),
      bindings,
    };
    indexes.set(file, index);
  }
  return index;
}

/**
 * Bindings that give `name` its value as seen from `functionId`: the nearest function (itself,
 * then enclosing functions, then module level) that binds the name. Parameters shadow outer
 * bindings, so a parameter of the same name yields none. Every assignment in that function
 * counts, whatever its order: the flow is insensitive to statement order.
 */
export function findBindings(index: FlowIndex, functionId: number, name: string): BindingFact[] {
  let current: number | undefined = functionId;
  const seen = new Set<number>();
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    const found = index.bindings.get(`${current}:${name}`);
    if (found) {
      return found;
    }
    const fn = index.functionsById.get(current);
    if (!fn) {
      break;
    }
    if (fn.parameters.some((parameter) => parameter.name === name || parameter.destructured.includes(name))) {
      return [];
    }
    current = fn.parentId;
  }
  return [];
}

/** Returns the parameter of the nearest enclosing function that declares `name`, if any. */
export function findParameter(index: FlowIndex, functionId: number, name: string) {
  let current: number | undefined = functionId;
  const seen = new Set<number>();
  while (current !== undefined && current !== 0 && !seen.has(current)) {
    seen.add(current);
    if (index.bindings.has(`${current}:${name}`)) {
      return null;
    }
    const fn = index.functionsById.get(current);
    if (!fn) {
      return null;
    }
    const parameter = fn.parameters.find(
      (candidate) => candidate.name === name || candidate.destructured.includes(name),
    );
    if (parameter) {
      return { fn, parameter };
    }
    current = fn.parentId;
  }
  return null;
}

/** Sub-expressions whose data can reach the value of `expr`. */
export function getFlowChildren(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'member':
      return [expr.object];
    case 'index':
      return [expr.object, expr.index];
    case 'call':
      return [expr.callee, ...expr.arguments.map((argument) => argument.value)];
    case 'template':
      return expr.parts;
    case 'object':
      return expr.entries.map((entry) => entry.value);
    case 'array':
      return expr.items;
    case 'spread':
      return [expr.value];
    case 'conditional':
      return [expr.consequent, expr.alternate];
    case 'logical':
      return [expr.left, expr.right];
    case 'other':
      return expr.children;
    default:
      return [];
  }
}

/** What a flow visitor decides for one expression. */
export type FlowStep = 'descend' | 'skip';

/** One step of a walk: the expression and the chain of bindings followed to reach it. */
export interface FlowVisit {
  expr: Expr;
  /** Names followed through bindings to get here, outermost first (`data` for `data['password']`). */
  via: string[];
  functionId: number;
}

/** Settings of one walk. */
export interface WalkFlowOptions {
  /**
   * Sub-expressions to descend into, in place of `getFlowChildren`. A rule passes its own when
   * it knows more about a form, for example that `a && b` evaluates to `b` whenever `a` is set.
   */
  getChildren?: (expr: Expr) => Expr[];
  /** How far the walk follows bindings, in place of `MAX_BINDING_HOPS`. */
  maxBindingHops?: number;
}

/**
 * Visits `start` and every expression its value is built from, following identifiers into
 * their bindings. The visitor returns `skip` to stop below an expression (a sanitizer call, a
 * finding already made). Each binding is followed once per walk, and walks are bounded.
 */
export function walkFlow(
  index: FlowIndex,
  start: Expr,
  functionId: number,
  visit: (step: FlowVisit) => FlowStep,
  options: WalkFlowOptions = {},
): void {
  const getChildren = options.getChildren ?? getFlowChildren;
  const maxHops = options.maxBindingHops ?? MAX_BINDING_HOPS;
  const stack: { expr: Expr; via: string[]; functionId: number; hops: number }[] = [
    { expr: start, via: [], functionId, hops: 0 },
  ];
  const followed = new Set<BindingFact>();
  let visited = 0;

  while (stack.length > 0 && visited < MAX_VISITED) {
    const item = stack.pop()!;
    visited++;
    if (visit({ expr: item.expr, via: item.via, functionId: item.functionId }) === 'skip') {
      continue;
    }
    const children = getChildren(item.expr);
    for (let position = children.length - 1; position >= 0; position--) {
      stack.push({ ...item, expr: children[position]! });
    }
    if (item.expr.kind !== 'identifier' || item.hops >= maxHops) {
      continue;
    }
    for (const binding of findBindings(index, item.functionId, item.expr.name)) {
      if (followed.has(binding)) {
        continue;
      }
      followed.add(binding);
      stack.push({
        expr: binding.value,
        via: [...item.via, item.expr.name],
        functionId: binding.functionId,
        hops: item.hops + 1,
      });
    }
  }
}

/** Returns the last name of a name or property access: `password` for `req.body.password`. */
export function getLastName(expr: Expr): string | null {
  if (expr.kind === 'identifier') {
    return expr.name;
  }
  if (expr.kind === 'member') {
    return expr.property;
  }
  return null;
}

/** Returns the dotted path of a name or property chain (`req.body.password`), or null. */
export function getExprPath(expr: Expr): string | null {
  const parts: string[] = [];
  let current: Expr = expr;
  for (let depth = 0; depth < 32; depth++) {
    if (current.kind === 'identifier') {
      parts.unshift(current.name);
      return parts.join('.');
    }
    if (current.kind === 'member') {
      parts.unshift(current.property);
      current = current.object;
      continue;
    }
    if (current.kind === 'index' && current.key !== null) {
      parts.unshift(current.key);
      current = current.object;
      continue;
    }
    if (current.kind === 'call' && current.calleePath !== null) {
      parts.unshift(current.calleePath);
      return parts.join('.');
    }
    return null;
  }
  return null;
}
