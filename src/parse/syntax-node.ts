/** A 0-based row and column in the source. Columns count UTF-16 code units. */
export interface Point {
  row: number;
  column: number;
}

/**
 * The part of web-tree-sitter's `Node` API that the model adapters read. A web-tree-sitter
 * `Node` implements it, and so does the JavaScript copy of a tree that `copyTree` builds, which
 * reads no value through WebAssembly. Offsets and columns are UTF-16 code units
 * of the JavaScript source string.
 */
export interface SyntaxNode {
  /** Unique within one tree. */
  readonly id: number;
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  /** True when this node is an `ERROR` node or a missing node, or contains one. */
  readonly hasError: boolean;
  /** All children, named and anonymous, extras such as comments included. */
  readonly children: readonly SyntaxNode[];
  readonly namedChildren: readonly SyntaxNode[];
  child(index: number): SyntaxNode | null;
  childForFieldName(fieldName: string): SyntaxNode | null;
  childrenForFieldName(fieldName: string): SyntaxNode[];
}

/** A syntax tree as the model adapters read it: a web-tree-sitter `Tree` or a copy of one. */
export interface SyntaxTree {
  readonly rootNode: SyntaxNode;
}
