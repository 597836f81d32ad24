import type { SyntaxTree } from '../../parse/syntax-node.js';
import type { FileModel, Range } from '../types.js';
import { createBuilder } from './context.js';
import { settleHandlers } from './handlers.js';
import { collectFrameworks } from './imports.js';
import { addNextRoutes, isNextRouteFile } from './nextjs.js';
import { collectResponses } from './responses.js';
import { walkProgram } from './statements.js';

/**
 * Builds the language-neutral model of a JavaScript, TypeScript or TSX file from its syntax
 * tree. When `tree` is a web-tree-sitter tree, the caller still owns and frees it.
 */
export function buildJavaScriptModel(
  tree: SyntaxTree,
  source: string,
  path: string,
  language: 'javascript' | 'typescript' | 'tsx',
): FileModel {
  const model: FileModel = {
    path,
    language,
    lineCount: countLines(source),
    hasSyntaxErrors: tree.rootNode.hasError,
    imports: [],
    functions: [],
    bindings: [],
    propertyAssignments: [],
    calls: [],
    catches: [],
    responses: [],
    routes: [],
    mounts: [],
    frameworks: [],
  };
  const b = createBuilder(source, model);
  walkProgram(b, tree.rootNode);

  model.frameworks = collectFrameworks(model.imports);
  if (isNextRouteFile(path) && !model.frameworks.includes('nextjs')) {
    model.frameworks.push('nextjs');
  }
  addNextRoutes(b, path);
  settleHandlers(b);
  collectResponses(b);
  sortFacts(model);
  return model;
}

function countLines(source: string): number {
  if (source.length === 0) {
    return 0;
  }
  let count = 1;
  for (let index = source.indexOf('\n'); index !== -1; index = source.indexOf('\n', index + 1)) {
    count++;
  }
  return source.endsWith('\n') ? count - 1 : count;
}

/** Puts facts in source order; an enclosing fact comes before the facts it contains. */
function sortFacts(model: FileModel): void {
  model.functions.sort((a, b) => a.id - b.id);
  model.catches.sort((a, b) => a.id - b.id);
  model.bindings.sort(compareRanges);
  model.propertyAssignments.sort(compareRanges);
  model.calls.sort(compareRanges);
  model.responses.sort(compareRanges);
  // Chained registrations (`app.route('/p').get(h).post(h2)`) share a start; the stable sort
  // by start keeps them in the order they were written.
  model.routes.sort(compareStarts);
  model.mounts.sort(compareStarts);
}

function compareStarts(first: { range: Range }, second: { range: Range }): number {
  return (
    first.range.startLine - second.range.startLine ||
    first.range.startColumn - second.range.startColumn
  );
}

function compareRanges(first: { range: Range }, second: { range: Range }): number {
  const a = first.range;
  const b = second.range;
  return (
    a.startLine - b.startLine ||
    a.startColumn - b.startColumn ||
    b.endLine - a.endLine ||
    b.endColumn - a.endColumn
  );
}
