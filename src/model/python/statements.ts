import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { Expr } from '../types.js';
import { assignTarget, convertAssignment, convertAugmentedAssignment } from './bindings.js';
import { convertExpr, describeNode, getCodeChildren, readNodeText } from './expressions.js';
import { convertDecorators, enterClass, enterFunction } from './functions.js';
import { convertImport } from './imports.js';
import { getPlainPath } from './paths.js';
import { sliceText } from './source.js';
import { addGuards, MAX_ENCLOSING, type BuildState, type Scope } from './state.js';

/** Nodes whose named children are statements or clauses, walked without any extra meaning. */
const CONTAINERS = new Set([
  'module',
  'block',
  'ERROR',
  'else_clause',
  'finally_clause',
  'match_statement',
  'case_clause',
]);

/** Statements that hold no expression worth converting. */
const SKIPPED = new Set([
  'comment',
  'pass_statement',
  'break_statement',
  'continue_statement',
  'global_statement',
  'nonlocal_statement',
  'type_alias_statement',
  'case_pattern',
  'line_continuation',
]);

const IMPORTS = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

interface WorkItem {
  node: SyntaxNode;
  scope: Scope;
}

/**
 * Walks every statement of the module with an explicit stack, so nesting depth costs heap rather
 * than call stack. Children are pushed in reverse so statements are visited in source order.
 */
export function walkModule(state: BuildState, root: SyntaxNode): void {
  const stack: WorkItem[] = [{ node: root, scope: state.scope }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) {
      break;
    }
    state.scope = item.scope;
    const pushed = visitStatement(state, item.node);
    for (let position = pushed.length - 1; position >= 0; position -= 1) {
      stack.push(pushed[position]);
    }
  }
}

/** Records the facts of one statement and returns the nested statements to visit next. */
function visitStatement(state: BuildState, node: SyntaxNode): WorkItem[] {
  const scope = state.scope;
  const type = node.type;
  if (CONTAINERS.has(type)) {
    return getCodeChildren(node).map((child) => ({ node: child, scope }));
  }
  if (SKIPPED.has(type)) {
    return [];
  }
  if (IMPORTS.has(type)) {
    convertImport(state, node);
    return [];
  }

  switch (type) {
    case 'expression_statement':
      visitExpressionStatement(state, node);
      return [];
    case 'if_statement':
      return visitIf(state, node);
    case 'for_statement':
      return visitFor(state, node);
    case 'while_statement':
      return visitWhile(state, node);
    case 'try_statement':
      return visitTry(state, node);
    case 'with_statement':
      return visitWith(state, node);
    case 'function_definition':
    case 'class_definition':
      return visitDefinition(state, node, []);
    case 'decorated_definition':
      return visitDecorated(state, node);
    case 'return_statement':
      state.returns.push(convertExit(state, node, getCodeChildren(node)[0] ?? null));
      return [];
    case 'raise_statement':
      return visitRaise(state, node);
    default:
      break;
  }

  if (type.endsWith('_statement')) {
    // assert, del, print, exec and statements added by later grammars: convert their parts.
    for (const child of getCodeChildren(node)) {
      convertExpr(state, child);
    }
    return [];
  }
  // An expression where a statement was expected, as error recovery leaves them.
  convertExpr(state, node);
  return [];
}

function visitExpressionStatement(state: BuildState, node: SyntaxNode): void {
  for (const child of getCodeChildren(node)) {
    const type = child.type;
    if (type === 'assignment') {
      convertAssignment(state, child);
    } else if (type === 'augmented_assignment') {
      convertAugmentedAssignment(state, child);
    } else if (!isDocstring(state, child)) {
      convertExpr(state, child);
    }
  }
}

/** Returns true for a bare string statement, which contains no call and is often a docstring. */
function isDocstring(state: BuildState, node: SyntaxNode): boolean {
  const first = state.source.text.charCodeAt(node.startIndex);
  const isQuote = first === 34 || first === 39;
  return isQuote && (node.type === 'string' || node.type === 'concatenated_string');
}

/**
 * Visits `if`/`elif`/`else`. A branch is guarded by its own test and by the negation of every
 * test before it, innermost first: the `else` of `if a: ... elif b: ...` has `not b`, `not a`.
 */
function visitIf(state: BuildState, node: SyntaxNode): WorkItem[] {
  const scope = state.scope;
  const work: WorkItem[] = [];
  const negated: string[] = [];
  const conditionNode = node.childForFieldName('condition');
  const consequence = node.childForFieldName('consequence');
  const test = conditionNode ? readCondition(state, conditionNode) : '';
  if (consequence) {
    work.push({ node: consequence, scope: addGuards(scope, [test]) });
  }
  negated.unshift(`not ${test}`);

  for (const alternative of node.childrenForFieldName('alternative')) {
    if (alternative.type === 'elif_clause') {
      const elifCondition = alternative.childForFieldName('condition');
      const elifBody = alternative.childForFieldName('consequence');
      const conditionScope = addGuards(scope, negated);
      state.scope = conditionScope;
      const elifTest = elifCondition ? readCondition(state, elifCondition) : '';
      if (elifBody) {
        work.push({ node: elifBody, scope: addGuards(conditionScope, [elifTest]) });
      }
      negated.unshift(`not ${elifTest}`);
    } else {
      const elseBody = alternative.childForFieldName('body');
      if (elseBody) {
        work.push({ node: elseBody, scope: addGuards(scope, negated) });
      }
    }
  }
  state.scope = scope;
  return work;
}

/** Converts a condition for the calls in it and returns its text for guards. */
function readCondition(state: BuildState, node: SyntaxNode): string {
  convertExpr(state, node);
  return sliceText(state.source, node.startIndex, node.endIndex);
}

function visitFor(state: BuildState, node: SyntaxNode): WorkItem[] {
  const scope = state.scope;
  const leftNode = node.childForFieldName('left');
  const rightNode = node.childForFieldName('right');
  if (rightNode) {
    const items = convertExpr(state, rightNode);
    if (leftNode) {
      const loopItem: Expr = {
        kind: 'other',
        syntax: 'for',
        children: [items],
        range: items.range,
        text: items.text,
      };
      assignTarget(state, leftNode, loopItem, describeNode(state, leftNode).range);
    }
  }
  return collectBodies(node, scope, ['body', 'alternative']);
}

function visitWhile(state: BuildState, node: SyntaxNode): WorkItem[] {
  const conditionNode = node.childForFieldName('condition');
  if (conditionNode) {
    convertExpr(state, conditionNode);
  }
  return collectBodies(node, state.scope, ['body', 'alternative']);
}

function visitWith(state: BuildState, node: SyntaxNode): WorkItem[] {
  for (const clause of getCodeChildren(node)) {
    if (clause.type !== 'with_clause') {
      continue;
    }
    for (const withItem of getCodeChildren(clause)) {
      const valueNode = withItem.childForFieldName('value');
      if (!valueNode) {
        continue;
      }
      if (valueNode.type !== 'as_pattern') {
        convertExpr(state, valueNode);
        continue;
      }
      // `with open(p) as f` binds `f` to the context expression.
      const contextNode = getCodeChildren(valueNode)[0];
      const aliasNode = valueNode.childForFieldName('alias');
      if (contextNode) {
        const context = convertExpr(state, contextNode);
        if (aliasNode) {
          assignTarget(state, aliasNode, context, describeNode(state, withItem).range);
        }
      }
    }
  }
  return collectBodies(node, state.scope, ['body']);
}

/**
 * Visits `try`. The body runs inside the try block. Each `except` clause becomes a catch, and its
 * body runs with that catch id. The `else` and `finally` blocks run outside both.
 */
function visitTry(state: BuildState, node: SyntaxNode): WorkItem[] {
  const scope = state.scope;
  const tryId = state.nextBlockId;
  state.nextBlockId += 1;
  const work: WorkItem[] = [];
  for (const child of getCodeChildren(node)) {
    const type = child.type;
    if (type === 'block') {
      const tryIds = [tryId, ...scope.tryIds].slice(0, MAX_ENCLOSING);
      work.push({ node: child, scope: { ...scope, tryIds } });
    } else if (type === 'except_clause' || type === 'except_group_clause') {
      const catchItem = visitExcept(state, child, tryId);
      if (catchItem) {
        work.push(catchItem);
      }
    } else {
      work.push({ node: child, scope });
    }
  }
  return work;
}

function visitExcept(state: BuildState, node: SyntaxNode, tryId: number): WorkItem | null {
  const scope = state.scope;
  const id = state.nextBlockId;
  state.nextBlockId += 1;
  let body: SyntaxNode | null = null;
  let types: string[] = [];
  let binding: string | null = null;
  for (const child of getCodeChildren(node)) {
    if (child.type === 'block') {
      body = child;
    } else if (child.type === 'as_pattern') {
      const typeNode = getCodeChildren(child)[0];
      const aliasNode = child.childForFieldName('alias');
      types = typeNode ? readExceptionTypes(state, typeNode) : [];
      binding = aliasNode ? readNodeText(state, aliasNode).trim() : null;
    } else if (types.length === 0) {
      types = readExceptionTypes(state, child);
    }
  }

  const range = describeNode(state, node).range;
  state.catches.push({
    id,
    functionId: scope.functionId,
    binding,
    types,
    kind: 'except',
    range,
    bodyRange: body ? describeNode(state, body).range : range,
    tryId,
  });
  return body ? { node: body, scope: { ...scope, catchId: id } } : null;
}

function readExceptionTypes(state: BuildState, node: SyntaxNode): string[] {
  const type = node.type;
  const items =
    type === 'tuple' || type === 'parenthesized_expression' ? getCodeChildren(node) : [node];
  return items.map((item) => {
    const expr = convertExpr(state, item);
    return getPlainPath(expr) ?? expr.text;
  });
}

function visitDecorated(state: BuildState, node: SyntaxNode): WorkItem[] {
  const decoratorNodes: SyntaxNode[] = [];
  for (const child of getCodeChildren(node)) {
    if (child.type === 'decorator') {
      decoratorNodes.push(child);
    }
  }
  const definition = node.childForFieldName('definition');
  const decorators = convertDecorators(state, decoratorNodes);
  return definition ? visitDefinition(state, definition, decorators) : [];
}

function visitDefinition(
  state: BuildState,
  node: SyntaxNode,
  decorators: ReturnType<typeof convertDecorators>,
): WorkItem[] {
  const body = node.childForFieldName('body');
  const bodyScope =
    node.type === 'class_definition'
      ? enterClass(state, node, decorators)
      : enterFunction(state, node, decorators);
  return body ? [{ node: body, scope: bodyScope }] : [];
}

function visitRaise(state: BuildState, node: SyntaxNode): WorkItem[] {
  const causeNode = node.childForFieldName('cause');
  const children = getCodeChildren(node);
  const exception = children.find((child) => child.startIndex !== causeNode?.startIndex) ?? null;
  state.raises.push(convertExit(state, node, exception));
  if (causeNode) {
    convertExpr(state, causeNode);
  }
  return [];
}

function convertExit(state: BuildState, node: SyntaxNode, valueNode: SyntaxNode | null) {
  const scope = state.scope;
  return {
    functionId: scope.functionId,
    value: valueNode ? convertExpr(state, valueNode) : null,
    range: describeNode(state, node).range,
    catchId: scope.catchId,
    guards: scope.guards,
  };
}

function collectBodies(node: SyntaxNode, scope: Scope, fields: string[]): WorkItem[] {
  const work: WorkItem[] = [];
  for (const field of fields) {
    const child = node.childForFieldName(field);
    if (child) {
      work.push({ node: child, scope });
    }
  }
  return work;
}
