import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { ImportFact, Range } from '../types.js';
import {
  getNamedChildren,
  getOptionalType,
  getRange,
  getShortText,
  getType,
  type ModelBuilder,
  type WalkContext,
} from './context.js';
import { convertExpression } from './expressions.js';
import { addImport, getSpecifierName } from './imports.js';
import { convertString } from './strings.js';

const DECLARATION_NAME_TYPES = new Set([
  'function_declaration',
  'generator_function_declaration',
  'class_declaration',
  'abstract_class_declaration',
]);

/**
 * Records an `export` statement: re-exports as imports, exported names (for Next.js route
 * handlers), the default export, and decorators written before `export class`.
 */
export function visitExport(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): void {
  let isDefault = false;
  let hasEquals = false;
  let exportClause: SyntaxNode | null = null;
  const decorators: SyntaxNode[] = [];
  for (const child of node.children) {
    switch (getType(child)) {
      case 'default':
        isDefault = true;
        break;
      case '=':
        hasEquals = true;
        break;
      case 'decorator':
        decorators.push(child);
        break;
      case 'export_clause':
        exportClause = child;
        break;
      default:
        break;
    }
  }

  const source = node.childForFieldName('source');
  if (source) {
    addImport(b, {
      module: convertString(b, source).value,
      names: getClauseNames(b, exportClause),
      range: getRange(b, node),
    });
    return;
  }
  const range = getRange(b, node);
  for (const name of getClauseNames(b, exportClause)) {
    b.exportedNames.set(name.local, { local: name.imported, range });
  }

  const declaration = node.childForFieldName('declaration');
  if (declaration) {
    if (decorators.length > 0) {
      b.exportDecorators.set(declaration.id, decorators);
    }
    if (isDefault) {
      b.defaultExportNodeId = declaration.id;
    }
    addDeclaredNames(b, declaration, range);
    b.stack.push({ node: declaration, ctx });
    return;
  }

  // `export default <expr>` has a `value`; TypeScript `export = <expr>` has none.
  const value =
    node.childForFieldName('value') ??
    (hasEquals
      ? getNamedChildren(node).find((child) => getType(child) !== 'decorator')
      : undefined);
  if (value) {
    const expr = convertExpression(b, value, ctx, 0);
    if (isDefault || hasEquals) {
      b.defaultExport = expr;
    }
  }
}

/** Names of an export clause as `imported` (local) and `local` (exported) pairs. */
function getClauseNames(b: ModelBuilder, clause: SyntaxNode | null): ImportFact['names'] {
  if (!clause) {
    return [];
  }
  const names: ImportFact['names'] = [];
  for (const specifier of getNamedChildren(clause)) {
    const nameNode = specifier.childForFieldName('name');
    if (!nameNode) {
      continue;
    }
    const name = getSpecifierName(b, nameNode);
    const alias = specifier.childForFieldName('alias');
    names.push({ imported: name, local: alias ? getSpecifierName(b, alias) : name });
  }
  return names;
}

function addDeclaredNames(b: ModelBuilder, declaration: SyntaxNode, range: Range): void {
  if (DECLARATION_NAME_TYPES.has(getType(declaration))) {
    const nameNode = declaration.childForFieldName('name');
    if (nameNode) {
      const name = getShortText(b, nameNode);
      b.exportedNames.set(name, { local: name, range });
    }
    return;
  }
  if (
    getType(declaration) !== 'lexical_declaration' &&
    getType(declaration) !== 'variable_declaration'
  ) {
    return;
  }
  for (const declarator of getNamedChildren(declaration)) {
    const nameNode = declarator.childForFieldName('name');
    if (nameNode && getType(nameNode) === 'identifier') {
      const name = getShortText(b, nameNode);
      b.exportedNames.set(name, { local: name, range });
    }
  }
}
