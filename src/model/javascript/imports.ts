import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { CallExpr, Expr, Framework, ImportFact } from '../types.js';
import {
  getNamedChildren,
  getOptionalType,
  getRange,
  getShortText,
  getType,
  type ModelBuilder,
} from './context.js';
import { getStringValue, unwrapAwait } from './paths.js';
import { convertString } from './strings.js';

type ImportedName = ImportFact['names'][number];

/** Records an ES `import` statement, including TypeScript `import x = require('m')`. */
export function visitImport(b: ModelBuilder, node: SyntaxNode): void {
  let sourceNode = node.childForFieldName('source');
  const names: ImportedName[] = [];
  for (const child of getNamedChildren(node)) {
    if (getType(child) === 'import_clause') {
      collectClauseNames(b, child, names);
    } else if (getType(child) === 'import_require_clause') {
      sourceNode ??= child.childForFieldName('source');
      const local = child.namedChildren.find((inner) => getType(inner) === 'identifier');
      if (local) {
        names.push({ imported: 'default', local: getShortText(b, local) });
      }
    }
  }
  if (!sourceNode) {
    return;
  }
  addImport(b, { module: convertString(b, sourceNode).value, names, range: getRange(b, node) });
}

function collectClauseNames(b: ModelBuilder, clause: SyntaxNode, names: ImportedName[]): void {
  for (const child of getNamedChildren(clause)) {
    if (getType(child) === 'identifier') {
      names.push({ imported: 'default', local: getShortText(b, child) });
    } else if (getType(child) === 'namespace_import') {
      const local = child.namedChildren.find((inner) => getType(inner) === 'identifier');
      if (local) {
        names.push({ imported: '*', local: getShortText(b, local) });
      }
    } else if (getType(child) === 'named_imports') {
      for (const specifier of getNamedChildren(child)) {
        const nameNode = specifier.childForFieldName('name');
        if (!nameNode) {
          continue;
        }
        const imported = getSpecifierName(b, nameNode);
        const alias = specifier.childForFieldName('alias');
        names.push({ imported, local: alias ? getShortText(b, alias) : imported });
      }
    }
  }
}

/** Returns a specifier name: an identifier, or a string in `import { "a-b" as c }`. */
export function getSpecifierName(b: ModelBuilder, node: SyntaxNode): string {
  return getType(node) === 'string' ? convertString(b, node).value : getShortText(b, node);
}

export function addImport(b: ModelBuilder, fact: ImportFact): void {
  b.model.imports.push(fact);
  for (const name of fact.names) {
    b.importedNames.set(name.local, { module: fact.module, imported: name.imported });
  }
}

/**
 * Records `require('m')` and `import('m')` as imports without names; a declarator that binds
 * the result adds them through `addRequireNames`.
 */
export function recordRequire(b: ModelBuilder, call: CallExpr): void {
  if (call.isNew || (call.calleePath !== 'require' && call.calleePath !== 'import')) {
    return;
  }
  // `require('depd')('express')` calls what `require` returned; only the inner call imports.
  if (call.callee.kind === 'call') {
    return;
  }
  const module = getStringValue(call.arguments[0]?.value);
  if (module === null) {
    return;
  }
  const fact: ImportFact = { module, names: [], range: call.range };
  b.model.imports.push(fact);
  b.requireImports.set(call, fact);
}

/**
 * Adds the names bound by `const x = require('m')`, `const { a, b: c } = require('m')` and
 * `const y = require('m').y` to the import fact of that `require`.
 */
export function addRequireNames(b: ModelBuilder, nameNode: SyntaxNode, value: Expr): void {
  let expr = unwrapAwait(value);
  let imported = 'default';
  if (expr.kind === 'member' && expr.object.kind === 'call') {
    imported = expr.property;
    expr = expr.object;
  }
  const fact = expr.kind === 'call' ? b.requireImports.get(expr) : undefined;
  if (!fact) {
    return;
  }
  const added: ImportedName[] = [];
  if (getType(nameNode) === 'identifier') {
    added.push({ imported, local: getShortText(b, nameNode) });
  } else if (getType(nameNode) === 'object_pattern' && imported === 'default') {
    for (const child of getNamedChildren(nameNode)) {
      if (getType(child) === 'shorthand_property_identifier_pattern') {
        const name = getShortText(b, child);
        added.push({ imported: name, local: name });
      } else if (getType(child) === 'pair_pattern') {
        const key = child.childForFieldName('key');
        const local = child.childForFieldName('value');
        if (key && local && getType(local) === 'identifier') {
          added.push({ imported: getSpecifierName(b, key), local: getShortText(b, local) });
        }
      }
    }
  }
  for (const name of added) {
    fact.names.push(name);
    b.importedNames.set(name.local, { module: fact.module, imported: name.imported });
  }
}

/** Returns the framework a module belongs to, or null. */
export function getModuleFramework(module: string): Framework | null {
  switch (module) {
    case 'express':
      return 'express';
    case 'koa':
    case '@koa/router':
    case 'koa-router':
      return 'koa';
    case 'fastify':
    case 'fastify-plugin':
      return 'fastify';
    case '@hapi/hapi':
    case 'hapi':
      return 'hapi';
    case 'next':
    case 'next/server':
      return 'nextjs';
    default:
      break;
  }
  if (module.startsWith('@nestjs/')) {
    return 'nestjs';
  }
  if (module.startsWith('@fastify/')) {
    return 'fastify';
  }
  return null;
}

/** Frameworks of the file's imports, in import order. */
export function collectFrameworks(imports: ImportFact[]): Framework[] {
  const frameworks: Framework[] = [];
  for (const fact of imports) {
    const framework = getModuleFramework(fact.module);
    if (framework && !frameworks.includes(framework)) {
      frameworks.push(framework);
    }
  }
  return frameworks;
}
