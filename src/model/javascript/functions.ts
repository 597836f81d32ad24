import type { SyntaxNode } from '../../parse/syntax-node.js';
import type {
  DecoratorFact,
  Expr,
  FunctionFact,
  FunctionRefExpr,
  ParameterFact,
  Range,
} from '../types.js';
import { buildCall } from './calls.js';
import {
  getFirstLineRange,
  getNamedChildren,
  getOptionalType,
  getRange,
  getText,
  getType,
  registerFunctionName,
  withFunction,
  type ClassInfo,
  type ModelBuilder,
  type WalkContext,
} from './context.js';
import { convertExpression, unwrapTransparent } from './expressions.js';
import { recordNestMember } from './nestjs.js';
import { getPath } from './paths.js';
import { convertString } from './strings.js';

const HINTED_TYPES = new Set([
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
  'class',
]);

/** Class context of a method: its class and its TypeScript decorators. */
export interface MemberOptions {
  classInfo: ClassInfo;
  decoratorNodes: SyntaxNode[];
}

/**
 * Records the function, method or arrow `node` as a `FunctionFact` and queues its body for the
 * walk. Returns the reference that stands for the function where it is used as a value.
 */
export function createFunction(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  member?: MemberOptions,
): FunctionRefExpr {
  const id = b.nextFunctionId++;
  const hint = b.nameHints.get(node.id);
  if (hint) {
    b.nameHints.delete(node.id);
  }
  const classInfo = member?.classInfo ?? hint?.classInfo ?? null;
  const { name, nameRange } = getFunctionName(b, node, hint?.name ?? null, hint?.nameNode ?? null);

  let isAsync = false;
  const decoratorNodes = [...(member?.decoratorNodes ?? [])];
  for (const child of node.children) {
    if (getType(child) === 'async') {
      isAsync = true;
    } else if (getType(child) === 'decorator') {
      decoratorNodes.push(child);
    }
  }
  const decoratorExprs: Expr[] = [];
  const decorators = decoratorNodes.map((decorator) => {
    const converted = convertDecorator(b, decorator, ctx);
    decoratorExprs.push(converted.expr);
    return converted.fact;
  });

  const functionCtx = withFunction(ctx, id);
  const parametersNode =
    node.childForFieldName('parameters') ?? node.childForFieldName('parameter');
  const parameters = parametersNode ? convertParameters(b, parametersNode, functionCtx) : [];
  const fact: FunctionFact = {
    id,
    name,
    className: classInfo?.name ?? null,
    classDecorators: classInfo?.decorators ?? [],
    classBases: classInfo?.bases ?? [],
    parameters,
    decorators,
    parentId: ctx.functionId,
    isAsync,
    isRequestHandler: false,
    isErrorHandler: false,
    range: getRange(b, node),
    nameRange,
  };
  b.model.functions.push(fact);

  const body = node.childForFieldName('body');
  b.functionInfo.set(id, { fact, bodyRange: getRange(b, body ?? node), classInfo, decoratorExprs });
  if (name !== null) {
    registerFunctionName(b, name, id);
  }
  if (body && getType(body) === 'statement_block') {
    b.stack.push({ node: body, ctx: functionCtx });
  } else if (body) {
    b.stack.push({ node: body, ctx: functionCtx, implicitReturnOf: id });
  }
  if (classInfo) {
    recordNestMember(b, fact, classInfo, decoratorExprs);
  }

  const reference: FunctionRefExpr = {
    kind: 'function',
    functionId: id,
    range: fact.range,
    text: getText(b, node),
  };
  if (b.defaultExportNodeId === node.id) {
    b.defaultExport = reference;
  }
  return reference;
}

function getFunctionName(
  b: ModelBuilder,
  node: SyntaxNode,
  hintName: string | null,
  hintNode: SyntaxNode | null,
): { name: string | null; nameRange: Range } {
  const nameNode = node.childForFieldName('name');
  if (nameNode) {
    const name =
      getType(nameNode) === 'string' ? convertString(b, nameNode).value : getText(b, nameNode);
    return { name, nameRange: getRange(b, nameNode) };
  }
  if (hintName !== null) {
    return {
      name: hintName,
      nameRange: hintNode ? getRange(b, hintNode) : getFirstLineRange(b, node),
    };
  }
  return { name: null, nameRange: getFirstLineRange(b, node) };
}

/**
 * Remembers the name a function or class gets from its definition site (`const login = ...`,
 * `exports.login = ...`, `{ login: ... }`), for `createFunction` to pick up.
 */
export function setNameHint(
  b: ModelBuilder,
  valueNode: SyntaxNode,
  name: string,
  nameNode: SyntaxNode | null,
  classInfo: ClassInfo | null,
): void {
  const target = unwrapTransparent(valueNode);
  if (HINTED_TYPES.has(getType(target))) {
    b.nameHints.set(target.id, { name, nameNode, classInfo });
  }
}

function convertParameters(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): ParameterFact[] {
  if (getType(node) !== 'formal_parameters') {
    // `x => ...` has a single bare identifier.
    return [
      {
        name: getText(b, node),
        type: null,
        destructured: [],
        decorators: [],
        range: getRange(b, node),
      },
    ];
  }
  const parameters: ParameterFact[] = [];
  for (const child of getNamedChildren(node)) {
    parameters.push(convertParameter(b, child, ctx));
  }
  return parameters;
}

function convertParameter(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): ParameterFact {
  let pattern: SyntaxNode = node;
  let typeNode: SyntaxNode | null = null;
  const decorators: DecoratorFact[] = [];
  if (getType(node) === 'required_parameter' || getType(node) === 'optional_parameter') {
    pattern = node.childForFieldName('pattern') ?? node;
    typeNode = node.childForFieldName('type');
    const defaultNode = node.childForFieldName('value');
    if (defaultNode) {
      convertExpression(b, defaultNode, ctx, 0);
    }
    for (const child of node.children) {
      if (getType(child) === 'decorator') {
        decorators.push(convertDecorator(b, child, ctx).fact);
      }
    }
  }
  if (getType(pattern) === 'assignment_pattern') {
    const defaultNode = pattern.childForFieldName('right');
    if (defaultNode) {
      convertExpression(b, defaultNode, ctx, 0);
    }
    pattern = pattern.childForFieldName('left') ?? pattern;
  }
  if (getType(pattern) === 'rest_pattern') {
    pattern = pattern.namedChildren[0] ?? pattern;
  }
  const isPattern = getType(pattern) === 'object_pattern' || getType(pattern) === 'array_pattern';
  const typeValue = typeNode?.namedChildren[0];
  return {
    name: getText(b, pattern),
    type: typeValue ? getText(b, typeValue) : null,
    destructured: isPattern ? collectPatternNames(b, pattern) : [],
    decorators,
    range: getRange(b, node),
  };
}

/** Returns the names a destructuring pattern binds, in source order. */
export function collectPatternNames(b: ModelBuilder, pattern: SyntaxNode): string[] {
  const names: string[] = [];
  const pending: SyntaxNode[] = [pattern];
  while (pending.length > 0) {
    const current = pending.pop()!;
    switch (getType(current)) {
      case 'identifier':
      case 'shorthand_property_identifier_pattern':
        names.push(getText(b, current));
        break;
      case 'object_pattern':
      case 'array_pattern':
      case 'rest_pattern': {
        const children = current.namedChildren;
        for (let index = children.length - 1; index >= 0; index--) {
          pending.push(children[index]!);
        }
        break;
      }
      case 'pair_pattern': {
        const value = current.childForFieldName('value');
        if (value) {
          pending.push(value);
        }
        break;
      }
      case 'object_assignment_pattern':
      case 'assignment_pattern': {
        const left = current.childForFieldName('left');
        if (left) {
          pending.push(left);
        }
        break;
      }
      default:
        break;
    }
  }
  return names;
}

/** Name of the first parameter of a function node, when it is a plain identifier. */
export function getFirstParameterName(b: ModelBuilder, functionNode: SyntaxNode): string | null {
  const single = functionNode.childForFieldName('parameter');
  if (single) {
    return getText(b, single);
  }
  const parameters = functionNode.childForFieldName('parameters');
  let first: SyntaxNode | null | undefined = parameters
    ? getNamedChildren(parameters)[0]
    : undefined;
  const wrapperType = getOptionalType(first);
  if (first && (wrapperType === 'required_parameter' || wrapperType === 'optional_parameter')) {
    first = first.childForFieldName('pattern');
  }
  if (first && getType(first) === 'assignment_pattern') {
    first = first.childForFieldName('left');
  }
  return first && getType(first) === 'identifier' ? getText(b, first) : null;
}

/** Converts `@name`, `@a.b` or `@Name(args)`; a decorator call is not recorded as a call fact. */
export function convertDecorator(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
): { fact: DecoratorFact; expr: Expr } {
  const child = node.namedChildren.find((candidate) => getType(candidate) !== 'comment');
  const range = getRange(b, node);
  if (!child) {
    const expr: Expr = {
      kind: 'other',
      syntax: 'decorator',
      children: [],
      range,
      text: getText(b, node),
    };
    return { fact: { path: expr.text, arguments: null, range }, expr };
  }
  const inner = unwrapTransparent(child);
  if (getType(inner) === 'call_expression') {
    const call = buildCall(b, inner, ctx, 0, false);
    return {
      fact: { path: call.calleePath ?? call.text, arguments: call.arguments, range },
      expr: call,
    };
  }
  const expr = convertExpression(b, inner, ctx, 0);
  return { fact: { path: getPath(expr) ?? expr.text, arguments: null, range }, expr };
}
