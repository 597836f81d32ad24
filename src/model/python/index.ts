import type { SyntaxTree } from '../../parse/syntax-node.js';
import type { FileModel } from '../types.js';
import { addErrorHandlerCatches, collectErrorHandlers, markRequestHandlers } from './handlers.js';
import { findFrameworks } from './imports.js';
import {
  collectCallMounts,
  collectDecoratorMounts,
  collectSettingsMounts,
  orderMounts,
} from './mounts.js';
import { compareRanges, createRegistry } from './registry.js';
import { collectResponses } from './responses.js';
import { collectCallRoutes, collectClassViewRoutes, collectDecoratorRoutes } from './routes.js';
import { countLines, createSourceIndex } from './source.js';
import { createBuildState } from './state.js';
import { walkModule } from './statements.js';

/**
 * Builds the language-neutral model of one Python file from its tree-sitter tree. The tree is
 * read once; every later pass works on the facts. `path` is relative to the scanned root.
 */
export function buildPythonModel(tree: SyntaxTree, source: string, path: string): FileModel {
  const state = createBuildState(createSourceIndex(source), path);
  walkModule(state, tree.rootNode);

  const frameworks = findFrameworks(state.imports);
  const registry = createRegistry(state, frameworks);
  collectDecoratorRoutes(registry);
  collectCallRoutes(registry);
  collectClassViewRoutes(registry);
  collectDecoratorMounts(registry);
  collectCallMounts(registry);
  collectSettingsMounts(registry);
  registry.routes.sort(compareRanges);
  orderMounts(registry);

  collectErrorHandlers(registry);
  markRequestHandlers(registry);
  addErrorHandlerCatches(registry);
  const responses = collectResponses(registry);
  // Catch ids follow the walk, which reaches a try's clauses before the body's nested tries.
  state.catches.sort(compareRanges);

  return {
    path,
    language: 'python',
    lineCount: countLines(state.source),
    hasSyntaxErrors: tree.rootNode.hasError,
    imports: state.imports,
    functions: state.functions.map((record) => record.fact),
    bindings: state.bindings,
    propertyAssignments: state.propertyAssignments,
    calls: state.calls,
    catches: state.catches,
    responses,
    routes: registry.routes,
    mounts: registry.mounts,
    frameworks,
  };
}
