import type { SyntaxNode } from '../../parse/syntax-node.js';
import type {
  CallExpr,
  DecoratorFact,
  Expr,
  FunctionFact,
  ParameterFact,
  Range,
} from '../types.js';
import { convertExpr, describeNode, getCodeChildren } from './expressions.js';
import { getLastSegment, getPlainPath } from './paths.js';
import { firstLineRange, sliceText } from './source.js';
import {
  createFunctionScope,
  type BuildState,
  type ClassRecord,
  type DecoratorRecord,
  type Scope,
} from './state.js';

/** FastAPI calls that inject a dependency into a handler parameter. */
const DEPENDENCY_CALLS = new Set(['Depends', 'Security']);

interface Span {
  range: Range;
  text: string;
}

/** Converts the decorators of a decorated definition, in source order. */
export function convertDecorators(
  state: BuildState,
  decoratorNodes: SyntaxNode[],
): DecoratorRecord[] {
  return decoratorNodes.map((decoratorNode) => {
    const expressionNode = getCodeChildren(decoratorNode)[0];
    const range = describeNode(state, decoratorNode).range;
    if (!expressionNode) {
      const empty: Expr = { kind: 'other', syntax: 'decorator', children: [], range, text: '' };
      return { fact: { path: '', arguments: null, range }, expr: empty };
    }
    const expr = convertExpr(state, expressionNode);
    const fact: DecoratorFact =
      expr.kind === 'call'
        ? { path: expr.calleePath ?? expr.callee.text, arguments: expr.arguments, range }
        : { path: getPlainPath(expr) ?? expr.text, arguments: null, range };
    return { fact, expr };
  });
}

/**
 * Records a `def` or `async def` and returns the scope of its body. Defaults and decorators are
 * evaluated where the function is defined, so they are converted in the enclosing scope.
 */
export function enterFunction(
  state: BuildState,
  node: SyntaxNode,
  decorators: DecoratorRecord[],
): Scope {
  const outer = state.scope;
  const id = state.functions.length + 1;
  const nameNode = node.childForFieldName('name');
  const parametersNode = node.childForFieldName('parameters');
  const bodyNode = node.childForFieldName('body');
  const span = describeNode(state, node);
  const classRecord = outer.classRecord;
  const dependencies: CallExpr[] = [];

  const fact: FunctionFact = {
    id,
    name: nameNode ? state.source.text.slice(nameNode.startIndex, nameNode.endIndex) : null,
    className: classRecord?.name ?? null,
    classDecorators: classRecord?.decorators ?? [],
    classBases: classRecord?.bases ?? [],
    parameters: parametersNode ? convertParameters(state, parametersNode, dependencies) : [],
    decorators: decorators.map((decorator) => decorator.fact),
    parentId: outer.functionId,
    isAsync: node.child(0)?.type === 'async',
    isRequestHandler: false,
    isErrorHandler: false,
    range: span.range,
    nameRange: nameNode ? describeNode(state, nameNode).range : firstLineRange(state.source, node),
  };
  state.functions.push({
    fact,
    classRecord,
    decorators,
    dependencies,
    bodyRange: bodyNode ? describeNode(state, bodyNode).range : span.range,
  });
  return createFunctionScope(id);
}

/** Records a lambda as a function and converts its body in the lambda's own scope. */
export function convertLambda(
  state: BuildState,
  node: SyntaxNode,
  span: Span,
  depth: number,
): Expr {
  const outer = state.scope;
  const id = state.functions.length + 1;
  const parametersNode = node.childForFieldName('parameters');
  const bodyNode = node.childForFieldName('body');
  const fact: FunctionFact = {
    id,
    name: null,
    className: null,
    classDecorators: [],
    classBases: [],
    parameters: parametersNode ? convertParameters(state, parametersNode, []) : [],
    decorators: [],
    parentId: outer.functionId,
    isAsync: false,
    isRequestHandler: false,
    isErrorHandler: false,
    range: span.range,
    nameRange: firstLineRange(state.source, node),
  };
  state.functions.push({
    fact,
    classRecord: null,
    decorators: [],
    dependencies: [],
    bodyRange: bodyNode ? describeNode(state, bodyNode).range : span.range,
  });

  if (bodyNode) {
    state.scope = createFunctionScope(id);
    convertExpr(state, bodyNode, depth + 1);
    state.scope = outer;
  }
  return { kind: 'function', functionId: id, ...span };
}

/** Records a class and returns the scope of its body, which runs where the class is defined. */
export function enterClass(
  state: BuildState,
  node: SyntaxNode,
  decorators: DecoratorRecord[],
): Scope {
  const nameNode = node.childForFieldName('name');
  const superclassesNode = node.childForFieldName('superclasses');
  const bases: string[] = [];
  for (const base of superclassesNode ? getCodeChildren(superclassesNode) : []) {
    if (base.type === 'identifier' || base.type === 'attribute') {
      bases.push(state.source.text.slice(base.startIndex, base.endIndex).replace(/\s+/g, ''));
    }
  }

  const classRecord: ClassRecord = {
    name: nameNode ? state.source.text.slice(nameNode.startIndex, nameNode.endIndex) : '',
    bases,
    decorators: decorators.map((decorator) => decorator.fact),
    decoratorRecords: decorators,
    attributes: [],
    range: describeNode(state, node).range,
    functionId: state.scope.functionId,
  };
  state.classes.push(classRecord);
  return { ...state.scope, classRecord };
}

function convertParameters(
  state: BuildState,
  node: SyntaxNode,
  dependencies: CallExpr[],
): ParameterFact[] {
  const parameters: ParameterFact[] = [];
  for (const child of getCodeChildren(node)) {
    const type = child.type;
    if (type === 'keyword_separator' || type === 'positional_separator') {
      continue;
    }

    const nameNode = findParameterName(child);
    const typeNode = child.childForFieldName('type');
    const valueNode = child.childForFieldName('value');
    const typeText = typeNode
      ? sliceText(state.source, typeNode.startIndex, typeNode.endIndex)
      : null;
    if (valueNode) {
      collectDependency(convertExpr(state, valueNode), dependencies);
    }
    if (typeNode && typeText !== null && /\b(?:Depends|Security)\s*\(/.test(typeText)) {
      // `Annotated[Session, Depends(get_db)]` declares the dependency in the annotation.
      collectDependencies(convertExpr(state, typeNode), dependencies);
    }

    const isPattern = type === 'tuple_pattern' || type === 'list_pattern';
    parameters.push({
      name: nameNode
        ? state.source.text.slice(nameNode.startIndex, nameNode.endIndex)
        : sliceText(state.source, child.startIndex, child.endIndex),
      type: typeText,
      destructured: isPattern ? collectPatternNames(state, child) : [],
      decorators: [],
      range: describeNode(state, child).range,
    });
  }
  return parameters;
}

/** Finds the identifier that names a parameter, through `*args`, `**kwargs` and annotations. */
function findParameterName(node: SyntaxNode): SyntaxNode | null {
  let current: SyntaxNode | null = node;
  while (current) {
    const type = current.type;
    if (type === 'identifier') {
      return current;
    }
    if (type === 'tuple_pattern' || type === 'list_pattern') {
      return null;
    }
    current = current.childForFieldName('name') ?? getCodeChildren(current)[0] ?? null;
  }
  return null;
}

function collectPatternNames(state: BuildState, node: SyntaxNode): string[] {
  const names: string[] = [];
  const pending = [node];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!current) {
      break;
    }
    if (current.type === 'identifier') {
      names.push(state.source.text.slice(current.startIndex, current.endIndex));
    } else {
      pending.push(...getCodeChildren(current).reverse());
    }
  }
  return names;
}

function collectDependency(expr: Expr, dependencies: CallExpr[]): void {
  const path = expr.kind === 'call' ? expr.calleePath : null;
  if (expr.kind === 'call' && path !== null && DEPENDENCY_CALLS.has(getLastSegment(path))) {
    dependencies.push(expr);
  }
}

function collectDependencies(expr: Expr, dependencies: CallExpr[]): void {
  const pending = [expr];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!current) {
      break;
    }
    collectDependency(current, dependencies);
    if (current.kind === 'index') {
      pending.push(current.object, current.index);
    } else if (current.kind === 'array') {
      pending.push(...current.items);
    } else if (current.kind === 'other') {
      pending.push(...current.children);
    }
  }
}
