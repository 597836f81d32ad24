import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { Expr } from '../types.js';
import {
  getNamedChildren,
  getText,
  getType,
  type ClassInfo,
  type ModelBuilder,
  type WalkContext,
} from './context.js';
import { convertExpression } from './expressions.js';
import { convertDecorator, createFunction, setNameHint } from './functions.js';
import { getPath } from './paths.js';

const FIELD_TYPES = new Set(['public_field_definition', 'field_definition']);

/**
 * Records a class: its decorators and bases, then each method as a function that carries them.
 * Field initializers are walked, and an arrow function in a field is a method of the class.
 */
export function visitClass(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): void {
  const hint = b.nameHints.get(node.id);
  if (hint) {
    b.nameHints.delete(node.id);
  }
  const nameNode = node.childForFieldName('name');
  const decoratorNodes = [...(b.exportDecorators.get(node.id) ?? [])];
  const bases: string[] = [];
  for (const child of node.children) {
    if (getType(child) === 'decorator') {
      decoratorNodes.push(child);
    } else if (getType(child) === 'class_heritage') {
      collectBases(b, child, ctx, bases);
    }
  }

  const decoratorExprs: Expr[] = [];
  const decorators = decoratorNodes.map((decorator) => {
    const converted = convertDecorator(b, decorator, ctx);
    decoratorExprs.push(converted.expr);
    return converted.fact;
  });
  const classInfo: ClassInfo = {
    name: nameNode ? getText(b, nameNode) : (hint?.name ?? null),
    decorators,
    decoratorExprs,
    bases,
  };

  const body = node.childForFieldName('body');
  if (body) {
    visitClassBody(b, body, ctx, classInfo);
  }
}

function visitClassBody(
  b: ModelBuilder,
  body: SyntaxNode,
  ctx: WalkContext,
  classInfo: ClassInfo,
): void {
  // TypeScript puts member decorators before the member as siblings; JavaScript nests them.
  let pendingDecorators: SyntaxNode[] = [];
  for (const member of getNamedChildren(body)) {
    if (getType(member) === 'decorator') {
      pendingDecorators.push(member);
      continue;
    }
    if (getType(member) === 'method_definition') {
      createFunction(b, member, ctx, { classInfo, decoratorNodes: pendingDecorators });
    } else if (FIELD_TYPES.has(getType(member))) {
      visitField(b, member, ctx, classInfo);
    } else if (getType(member) === 'class_static_block') {
      const block = member.childForFieldName('body');
      if (block) {
        b.stack.push({ node: block, ctx });
      }
    }
    pendingDecorators = [];
  }
}

function visitField(
  b: ModelBuilder,
  field: SyntaxNode,
  ctx: WalkContext,
  classInfo: ClassInfo,
): void {
  const valueNode = field.childForFieldName('value');
  if (!valueNode) {
    return;
  }
  const nameNode = field.childForFieldName('name') ?? field.childForFieldName('property');
  if (nameNode) {
    setNameHint(b, valueNode, getText(b, nameNode), nameNode, classInfo);
  }
  convertExpression(b, valueNode, ctx, 0);
}

/** Names in `extends` and `implements` clauses, without type arguments. */
function collectBases(
  b: ModelBuilder,
  heritage: SyntaxNode,
  ctx: WalkContext,
  bases: string[],
): void {
  for (const child of getNamedChildren(heritage)) {
    if (getType(child) === 'extends_clause') {
      const value = child.childForFieldName('value');
      if (value) {
        bases.push(getBaseName(b, value, ctx));
      }
    } else if (getType(child) === 'implements_clause') {
      for (const type of getNamedChildren(child)) {
        bases.push(stripTypeArguments(getText(b, type)));
      }
    } else {
      bases.push(getBaseName(b, child, ctx));
    }
  }
}

function getBaseName(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): string {
  const expr = convertExpression(b, node, ctx, 0);
  return getPath(expr) ?? expr.text;
}

function stripTypeArguments(text: string): string {
  const angle = text.indexOf('<');
  return angle === -1 ? text : text.slice(0, angle);
}
