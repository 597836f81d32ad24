import type { Language as TsLanguage, Tree, TreeCursor } from 'web-tree-sitter';
import type { Point, SyntaxNode, SyntaxTree } from './syntax-node.js';

/**
 * The cursor operations a copy needs. Offsets are UTF-16 code units. `typeId` is the visible
 * (aliased) symbol, and `fieldId` is 0 when the node has no field in its parent.
 */
interface CursorReader {
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  typeId(): number;
  fieldId(): number;
  startIndex(): number;
  endIndex(): number;
  isNamed(): boolean;
  isMissing(): boolean;
}

/** The functions of web-tree-sitter's WebAssembly binding that a fast copy calls. */
export interface CursorBinding {
  _ts_tree_root_node_wasm(tree: number): void;
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
}

const BINDING_FUNCTIONS: (keyof CursorBinding)[] = [
  '_ts_tree_root_node_wasm',
  '_ts_tree_cursor_new_wasm',
  '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_node_is_named_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
];

/** True when `module` has every binding function that a fast copy calls. */
export function isCursorBinding(module: object): module is CursorBinding {
  const record = module as Record<string, unknown>;
  return BINDING_FUNCTIONS.every((name) => typeof record[name] === 'function');
}

/**
 * Reads the tree through the binding's exported functions. web-tree-sitter's own `TreeCursor`
 * calls the same functions, but it copies the cursor state in and out of the binding's transfer
 * buffer with `setValue`/`getValue` around every call, which costs more than the call itself.
 * Here the cursor state stays in the transfer buffer for the whole walk: the navigation
 * functions write it back there, and the reading functions only read it.
 */
class BindingReader implements CursorReader {
  // The module object has hundreds of properties, so each function is looked up once here.
  private readonly firstChild: (tree: number) => number;
  private readonly nextSibling: (tree: number) => number;
  private readonly parent: (tree: number) => number;
  private readonly nodeTypeId: (tree: number) => number;
  private readonly nodeFieldId: (tree: number) => number;
  private readonly nodeStartIndex: (tree: number) => number;
  private readonly nodeEndIndex: (tree: number) => number;
  private readonly nodeIsNamed: (tree: number) => number;
  private readonly nodeIsMissing: (tree: number) => number;

  constructor(
    binding: CursorBinding,
    private readonly tree: number,
  ) {
    this.firstChild = binding._ts_tree_cursor_goto_first_child_wasm;
    this.nextSibling = binding._ts_tree_cursor_goto_next_sibling_wasm;
    this.parent = binding._ts_tree_cursor_goto_parent_wasm;
    this.nodeTypeId = binding._ts_tree_cursor_current_node_type_id_wasm;
    this.nodeFieldId = binding._ts_tree_cursor_current_field_id_wasm;
    this.nodeStartIndex = binding._ts_tree_cursor_start_index_wasm;
    this.nodeEndIndex = binding._ts_tree_cursor_end_index_wasm;
    this.nodeIsNamed = binding._ts_tree_cursor_current_node_is_named_wasm;
    this.nodeIsMissing = binding._ts_tree_cursor_current_node_is_missing_wasm;
  }

  gotoFirstChild(): boolean {
    return this.firstChild(this.tree) === 1;
  }

  gotoNextSibling(): boolean {
    return this.nextSibling(this.tree) === 1;
  }

  gotoParent(): boolean {
    return this.parent(this.tree) === 1;
  }

  typeId(): number {
    return this.nodeTypeId(this.tree);
  }

  fieldId(): number {
    return this.nodeFieldId(this.tree);
  }

  startIndex(): number {
    return this.nodeStartIndex(this.tree);
  }

  endIndex(): number {
    return this.nodeEndIndex(this.tree);
  }

  isNamed(): boolean {
    return this.nodeIsNamed(this.tree) === 1;
  }

  isMissing(): boolean {
    return this.nodeIsMissing(this.tree) === 1;
  }
}

/** Reads the tree through web-tree-sitter's public `TreeCursor`. */
class PublicCursorReader implements CursorReader {
  constructor(private readonly cursor: TreeCursor) {}

  gotoFirstChild(): boolean {
    return this.cursor.gotoFirstChild();
  }

  gotoNextSibling(): boolean {
    return this.cursor.gotoNextSibling();
  }

  gotoParent(): boolean {
    return this.cursor.gotoParent();
  }

  typeId(): number {
    return this.cursor.nodeTypeId;
  }

  fieldId(): number {
    return this.cursor.currentFieldId;
  }

  startIndex(): number {
    return this.cursor.startIndex;
  }

  endIndex(): number {
    return this.cursor.endIndex;
  }

  isNamed(): boolean {
    return this.cursor.nodeIsNamed;
  }

  isMissing(): boolean {
    return this.cursor.nodeIsMissing;
  }
}

function findLineStarts(source: string): number[] {
  const starts = [0];
  for (let index = source.indexOf('\n'); index !== -1; index = source.indexOf('\n', index + 1)) {
    starts.push(index + 1);
  }
  return starts;
}

/** Named-ness of a type id in `GrammarNames`: not read yet, anonymous, or named. */
const UNKNOWN = 0;
const ANONYMOUS = 1;
const NAMED = 2;

/** Type and field names of one grammar, and which type ids are named, read once per grammar. */
class GrammarNames {
  private readonly fieldIds = new Map<string, number>();
  /** Indexed by type id. Type ids are 16 bits, and the error symbol is 65535. */
  private readonly namedness = new Uint8Array(65536);
  private readonly typeNames: string[];

  constructor(private readonly language: TsLanguage) {
    this.typeNames = Array.from(language.types, (name) => name || 'ERROR');
  }

  /** Type name as web-tree-sitter's `Node.type` gives it, where a missing name reads `ERROR`. */
  typeName(typeId: number): string {
    return typeId < this.typeNames.length ? this.typeNames[typeId]! : 'ERROR';
  }

  /** Field id of `fieldName`, or -1 when the grammar has no such field. */
  fieldId(fieldName: string): number {
    let id = this.fieldIds.get(fieldName);
    if (id === undefined) {
      id = this.language.fields.indexOf(fieldName);
      this.fieldIds.set(fieldName, id);
    }
    return id;
  }

  /** Returns whether nodes of `typeId` are named. The symbol decides it, so it is read once. */
  isNamed(typeId: number, reader: CursorReader): boolean {
    let namedness = this.namedness[typeId];
    if (namedness === UNKNOWN) {
      namedness = reader.isNamed() ? NAMED : ANONYMOUS;
      this.namedness[typeId] = namedness;
    }
    return namedness === NAMED;
  }
}

const grammarNames = new WeakMap<TsLanguage, GrammarNames>();

function getGrammarNames(language: TsLanguage): GrammarNames {
  let names = grammarNames.get(language);
  if (!names) {
    names = new GrammarNames(language);
    grammarNames.set(language, names);
  }
  return names;
}

/** Flags of a copied node. */
const IS_NAMED = 1;
const HAS_ERROR = 2;

/** Marks the absence of a child or sibling in the link fields. */
const NONE = -1;

/** Fields of one node in `CopiedTree.data`, at `index * STRIDE + field`. */
const TYPE_ID = 0;
const FIELD_ID = 1;
const FLAGS = 2;
const START = 3;
const END = 4;
const FIRST_CHILD = 5;
const NEXT_SIBLING = 6;
const STRIDE = 7;

/**
 * A copied tree. Nodes are stored as fixed-size records in one integer array, indexed by their
 * position in a pre-order walk, so a copy allocates one array instead of an object per node.
 * Node objects are made on first access and then kept, so a node read twice is the same object.
 */
class CopiedTree implements SyntaxTree {
  count = 0;
  data: Int32Array;
  private nodes: (CopiedNode | null)[] = [];
  private lineStarts: number[] | null = null;

  constructor(
    readonly source: string,
    readonly grammar: GrammarNames,
    capacity: number,
  ) {
    this.data = new Int32Array(capacity * STRIDE);
  }

  get rootNode(): CopiedNode {
    return this.getNode(0);
  }

  getNode(index: number): CopiedNode {
    let node = this.nodes[index];
    if (!node) {
      node = new CopiedNode(this, index);
      this.nodes[index] = node;
    }
    return node;
  }

  /** Appends a node without links and returns its index. */
  addNode(typeId: number, fieldId: number, flags: number, start: number, end: number): number {
    let offset = this.count * STRIDE;
    if (offset === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const data = this.data;
    data[offset + TYPE_ID] = typeId;
    data[offset + FIELD_ID] = fieldId;
    data[offset + FLAGS] = flags;
    data[offset + START] = start;
    data[offset + END] = end;
    data[offset + FIRST_CHILD] = NONE;
    data[offset + NEXT_SIBLING] = NONE;
    return this.count++;
  }

  /** Readies the node cache once every node is added. */
  finish(): void {
    // Filled up front so the cache keeps fast elements. Writes at scattered indexes into an
    // empty array would turn it into a dictionary.
    this.nodes = new Array<CopiedNode | null>(this.count).fill(null);
  }

  /** Converts an offset into a point, with rows split at `\n` only, as tree-sitter counts. */
  toPoint(offset: number): Point {
    this.lineStarts ??= findLineStarts(this.source);
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return { row: low, column: offset - starts[low]! };
  }
}

/** The children of every leaf; frozen, so that a caller that pushes into it fails at once. */
const NO_CHILDREN: readonly CopiedNode[] = Object.freeze([]);

function firstChild(tree: CopiedTree, index: number): number {
  return tree.data[index * STRIDE + FIRST_CHILD]!;
}

function nextSibling(tree: CopiedTree, index: number): number {
  return tree.data[index * STRIDE + NEXT_SIBLING]!;
}

/** One node of a copied tree. It reads the tree's records, so no read calls WebAssembly. */
class CopiedNode implements SyntaxNode {
  private childList: readonly CopiedNode[] | null = null;
  private namedChildList: readonly CopiedNode[] | null = null;

  constructor(
    private readonly tree: CopiedTree,
    private readonly index: number,
  ) {}

  get id(): number {
    return this.index + 1;
  }

  get type(): string {
    return this.tree.grammar.typeName(this.tree.data[this.index * STRIDE + TYPE_ID]!);
  }

  get startIndex(): number {
    return this.tree.data[this.index * STRIDE + START]!;
  }

  get endIndex(): number {
    return this.tree.data[this.index * STRIDE + END]!;
  }

  get startPosition(): Point {
    return this.tree.toPoint(this.startIndex);
  }

  get endPosition(): Point {
    return this.tree.toPoint(this.endIndex);
  }

  get hasError(): boolean {
    return (this.tree.data[this.index * STRIDE + FLAGS]! & HAS_ERROR) !== 0;
  }

  get children(): readonly CopiedNode[] {
    if (!this.childList) {
      const tree = this.tree;
      const first = firstChild(tree, this.index);
      if (first === NONE) {
        this.childList = NO_CHILDREN;
        return NO_CHILDREN;
      }
      const children: CopiedNode[] = [];
      for (let child = first; child !== NONE; child = nextSibling(tree, child)) {
        children.push(tree.getNode(child));
      }
      this.childList = children;
    }
    return this.childList;
  }

  get namedChildren(): readonly CopiedNode[] {
    if (!this.namedChildList) {
      const tree = this.tree;
      const first = firstChild(tree, this.index);
      if (first === NONE) {
        this.namedChildList = NO_CHILDREN;
        return NO_CHILDREN;
      }
      const named: CopiedNode[] = [];
      for (let child = first; child !== NONE; child = nextSibling(tree, child)) {
        if ((tree.data[child * STRIDE + FLAGS]! & IS_NAMED) !== 0) {
          named.push(tree.getNode(child));
        }
      }
      this.namedChildList = named;
    }
    return this.namedChildList;
  }

  child(index: number): CopiedNode | null {
    return this.children[index] ?? null;
  }

  childForFieldName(fieldName: string): CopiedNode | null {
    const tree = this.tree;
    const fieldId = tree.grammar.fieldId(fieldName);
    if (fieldId <= 0) {
      return null;
    }
    const first = firstChild(tree, this.index);
    for (let child = first; child !== NONE; child = nextSibling(tree, child)) {
      if (tree.data[child * STRIDE + FIELD_ID] === fieldId) {
        return tree.getNode(child);
      }
    }
    return null;
  }

  childrenForFieldName(fieldName: string): CopiedNode[] {
    const tree = this.tree;
    const fieldId = tree.grammar.fieldId(fieldName);
    const matches: CopiedNode[] = [];
    if (fieldId <= 0) {
      return matches;
    }
    const first = firstChild(tree, this.index);
    for (let child = first; child !== NONE; child = nextSibling(tree, child)) {
      if (tree.data[child * STRIDE + FIELD_ID] === fieldId) {
        matches.push(tree.getNode(child));
      }
    }
    return matches;
  }
}

/**
 * Copies `tree` into JavaScript memory in one cursor walk, so that the caller can free the tree
 * at once and the model adapters read plain data. The walk keeps its ancestors in an array, not
 * on the call stack, so deep nesting cannot overflow it. `source` must be the text `tree` was
 * parsed from. With `binding`, the walk calls the binding's functions directly; without it, it
 * goes through web-tree-sitter's public `TreeCursor`, which gives the same copy more slowly.
 */
export function copyTree(tree: Tree, source: string, binding?: CursorBinding): SyntaxTree {
  // Real code has one node per 4 to 5 characters (4.7 in a Django service, measured with
  // bench-model.mjs), so this rarely runs out. The record array doubles when it does.
  const capacity = 64 + Math.ceil(source.length / 3);
  const copy = new CopiedTree(source, getGrammarNames(tree.language), capacity);
  if (!binding) {
    const cursor = tree.walk();
    try {
      copyNodes(new PublicCursorReader(cursor), copy);
      copy.finish();
    } finally {
      cursor.delete();
    }
    return copy;
  }

  // `tree[0]` is the tree's address in WebAssembly memory, as web-tree-sitter passes it.
  const address = (tree as unknown as Record<number, number>)[0]!;
  binding._ts_tree_root_node_wasm(address);
  binding._ts_tree_cursor_new_wasm(address);
  try {
    copyNodes(new BindingReader(binding, address), copy);
    copy.finish();
  } finally {
    binding._ts_tree_cursor_delete_wasm(address);
  }
  return copy;
}

function copyNodes(reader: CursorReader, copy: CopiedTree): void {
  const grammar = copy.grammar;
  const addNode = (): number => {
    const typeId = reader.typeId();
    const start = reader.startIndex();
    const end = reader.endIndex();
    let flags = grammar.isNamed(typeId, reader) ? IS_NAMED : 0;
    // Only missing nodes, which the parser inserts to recover from an error, take no space.
    const isMissing = start === end && reader.isMissing();
    if (isMissing || grammar.typeName(typeId) === 'ERROR') {
      flags |= HAS_ERROR;
    }
    return copy.addNode(typeId, reader.fieldId(), flags, start, end);
  };

  addNode();
  const ancestors: number[] = [];
  let current = 0;
  for (;;) {
    if (reader.gotoFirstChild()) {
      ancestors.push(current);
      const child = addNode();
      copy.data[current * STRIDE + FIRST_CHILD] = child;
      current = child;
      continue;
    }
    // `current` has no children, so move to the next sibling of it or of its nearest ancestor.
    for (;;) {
      const parent = ancestors.length === 0 ? NONE : ancestors[ancestors.length - 1]!;
      if (parent === NONE) {
        return;
      }
      if ((copy.data[current * STRIDE + FLAGS]! & HAS_ERROR) !== 0) {
        copy.data[parent * STRIDE + FLAGS]! |= HAS_ERROR;
      }
      if (reader.gotoNextSibling()) {
        const sibling = addNode();
        copy.data[current * STRIDE + NEXT_SIBLING] = sibling;
        current = sibling;
        break;
      }
      reader.gotoParent();
      current = ancestors.pop()!;
    }
  }
}
