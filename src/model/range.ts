import type { Node } from 'web-tree-sitter';
import type { Range } from './types.js';

/** Converts a tree-sitter node's 0-based points into a 1-based `Range`. */
export function toRange(node: Node): Range {
  return {
    startLine: node.startPosition.row + 1,
    startColumn: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

/** True when `inner` lies within `outer`, bounds included. */
export function containsRange(outer: Range, inner: Range): boolean {
  const startsAfter =
    inner.startLine > outer.startLine ||
    (inner.startLine === outer.startLine && inner.startColumn >= outer.startColumn);
  const endsBefore =
    inner.endLine < outer.endLine ||
    (inner.endLine === outer.endLine && inner.endColumn <= outer.endColumn);
  return startsAfter && endsBefore;
}
