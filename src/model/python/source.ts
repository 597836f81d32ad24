import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { Range } from '../types.js';

/** Maximum length of the source text kept on an expression or a guard. */
export const MAX_TEXT = 200;

/** The scanned source and where each line starts, to place nodes without calling WebAssembly. */
export interface SourceIndex {
  text: string;
  /** UTF-16 offset of each line start. Tree-sitter counts rows by `\n` only, and so does this. */
  lineStarts: number[];
}

/** Builds the line table of `text` in one pass. */
export function createSourceIndex(text: string): SourceIndex {
  const lineStarts = [0];
  let next = text.indexOf('\n');
  while (next !== -1) {
    lineStarts.push(next + 1);
    next = text.indexOf('\n', next + 1);
  }
  return { text, lineStarts };
}

/** Counts lines as editors show them: a final newline does not start another line. */
export function countLines(index: SourceIndex): number {
  if (index.text.length === 0) {
    return 0;
  }
  const endsWithNewline = index.text.endsWith('\n');
  return index.lineStarts.length - (endsWithNewline ? 1 : 0);
}

/**
 * Computes the range of `node`. The start point comes with the node object, and the end is
 * looked up in the line table, which saves one call into WebAssembly per node. web-tree-sitter
 * parses JavaScript strings as UTF-16, so offsets and columns are UTF-16 code units.
 */
export function rangeOfNode(index: SourceIndex, node: SyntaxNode, endIndex = node.endIndex): Range {
  const start = node.startPosition;
  const endRow = findRow(index, endIndex, start.row);
  return {
    startLine: start.row + 1,
    startColumn: start.column + 1,
    endLine: endRow + 1,
    endColumn: endIndex - index.lineStarts[endRow] + 1,
  };
}

/** Range of the first line of `node` only, for anonymous functions. */
export function firstLineRange(index: SourceIndex, node: SyntaxNode): Range {
  const range = rangeOfNode(index, node);
  if (range.endLine === range.startLine) {
    return range;
  }
  const row = range.startLine - 1;
  let lineEnd = index.lineStarts[row + 1] - 1;
  if (index.text.charCodeAt(lineEnd - 1) === 13) {
    lineEnd -= 1;
  }
  return { ...range, endLine: range.startLine, endColumn: lineEnd - index.lineStarts[row] + 1 };
}

/** Source text between two offsets, cut at `MAX_TEXT` characters so large nodes cost nothing. */
export function sliceText(index: SourceIndex, start: number, end: number): string {
  return index.text.slice(start, Math.min(end, start + MAX_TEXT));
}

function findRow(index: SourceIndex, offset: number, fromRow: number): number {
  const starts = index.lineStarts;
  let low = fromRow;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}
