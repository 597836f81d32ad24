import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { Framework, ImportFact } from '../types.js';
import { describeNode, getCodeChildren } from './expressions.js';
import type { BuildState } from './state.js';

/** Top-level modules that identify a web framework. */
const FRAMEWORK_MODULES: Record<string, Framework> = {
  flask: 'flask',
  fastapi: 'fastapi',
  starlette: 'starlette',
  django: 'django',
  rest_framework: 'drf',
};

/**
 * Records `import a.b as c` (one fact per module) and `from m import x as y` (one fact per
 * statement). For `import a.b` the local name is `a.b`, not the `a` Python binds, so it matches
 * call paths such as `a.b.f()` directly.
 */
export function convertImport(state: BuildState, node: SyntaxNode): void {
  const range = describeNode(state, node).range;
  const text = state.source.text;
  if (node.type === 'import_statement') {
    for (const nameNode of node.childrenForFieldName('name')) {
      const { imported, local } = readImportedName(text, nameNode);
      state.imports.push({ module: imported, names: [{ imported, local }], range });
    }
    return;
  }

  const moduleNode = node.childForFieldName('module_name');
  const module =
    node.type === 'future_import_statement'
      ? '__future__'
      : moduleNode
        ? compact(text.slice(moduleNode.startIndex, moduleNode.endIndex))
        : '';
  const names: ImportFact['names'] = [];
  for (const child of getCodeChildren(node)) {
    if (moduleNode && child.startIndex === moduleNode.startIndex) {
      continue;
    }
    if (child.type === 'wildcard_import') {
      names.push({ imported: '*', local: '*' });
    } else if (child.type === 'dotted_name' || child.type === 'aliased_import') {
      names.push(readImportedName(text, child));
    }
  }
  state.imports.push({ module, names, range });
}

/** Frameworks named by the file's imports, in order of first appearance. */
export function findFrameworks(imports: ImportFact[]): Framework[] {
  const frameworks: Framework[] = [];
  for (const fact of imports) {
    const topModule = fact.module.split('.')[0];
    const isFlaskExtension = topModule.startsWith('flask_');
    const framework = FRAMEWORK_MODULES[topModule] ?? (isFlaskExtension ? 'flask' : undefined);
    if (framework && !frameworks.includes(framework)) {
      frameworks.push(framework);
    }
  }
  return frameworks;
}

function readImportedName(text: string, node: SyntaxNode): { imported: string; local: string } {
  if (node.type === 'aliased_import') {
    const nameNode = node.childForFieldName('name');
    const aliasNode = node.childForFieldName('alias');
    const imported = nameNode ? compact(text.slice(nameNode.startIndex, nameNode.endIndex)) : '';
    const local = aliasNode ? text.slice(aliasNode.startIndex, aliasNode.endIndex) : imported;
    return { imported, local };
  }
  const imported = compact(text.slice(node.startIndex, node.endIndex));
  return { imported, local: imported };
}

function compact(name: string): string {
  return name.replace(/\s+/g, '');
}
