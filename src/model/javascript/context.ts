import type { SyntaxNode } from '../../parse/syntax-node.js';
import type {
  CallExpr,
  DecoratorFact,
  Expr,
  FileModel,
  FunctionFact,
  ImportFact,
  MountFact,
  OtherExpr,
  PropertyAssignmentFact,
  Range,
  RouteFact,
  Framework,
} from '../types.js';

/**
 * Nesting depth past which expression conversion stops descending. The cut-off node becomes an
 * `other` without children and is walked again on its own, so its calls are still recorded.
 */
export const MAX_EXPRESSION_DEPTH = 150;

/** Maximum length of `Expr.text` and of guard texts. */
export const MAX_TEXT_LENGTH = 200;

/** Maximum entries kept in `CallFact.tryIds` and `CallFact.guards`, innermost first. */
const MAX_CONTEXT_ENTRIES = 32;

/** A persistent singly linked list, so nested contexts share their tails instead of copying. */
interface Chain<T> {
  value: T;
  next: Chain<T> | null;
}

/** Walk context of a node: its function, the try blocks and catch clause around it, its guards. */
export interface WalkContext {
  functionId: number;
  catchId: number | null;
  tryIds: Chain<number> | null;
  guards: Chain<string> | null;
  tryIdList?: number[];
  guardList?: string[];
}

/** A node waiting on the walk stack, with the context it was reached in. */
export interface WalkItem {
  node: SyntaxNode;
  ctx: WalkContext;
  /** Set for the expression body of an arrow function: its value is returned by that function. */
  implicitReturnOf?: number;
  /** Set for class bodies reached through a class node. */
  classInfo?: ClassInfo;
}

/** Facts about a class that its methods inherit. */
export interface ClassInfo {
  name: string | null;
  decorators: DecoratorFact[];
  /** Decorator expressions in the order of `decorators`, for middleware references. */
  decoratorExprs: Expr[];
  bases: string[];
}

/** The name a function gets from where it is defined (`const login = () => {}`). */
export interface NameHint {
  name: string;
  nameNode: SyntaxNode | null;
  classInfo: ClassInfo | null;
}

/** Internal per-function facts that the finishing passes need. */
export interface FunctionInfo {
  fact: FunctionFact;
  bodyRange: Range;
  classInfo: ClassInfo | null;
  decoratorExprs: Expr[];
}

/** Role of a function: the framework that calls it and what for. */
export interface FunctionRole {
  framework: Framework;
  kind: 'handler' | 'middleware' | 'error';
  /** True for a Next.js `pages/api` handler, which responds through `res` and not by returning. */
  isPagesApi?: boolean;
  /** Exception types an error handler receives (`@Catch(HttpException)`). */
  types?: string[];
}

/** A route whose framework and handler are resolved once the whole file is walked. */
export interface PendingRoute {
  route: RouteFact;
  frameworkHint: Framework | null;
  handler: Expr | null;
  /** Inline functions and names passed as middleware, which get the middleware role. */
  middlewareExprs: Expr[];
  isPagesApi?: boolean;
}

export interface PendingMount {
  mount: MountFact;
  frameworkHint: Framework | null;
  middlewareExprs: Expr[];
}

/** A function registered as an error handler by a call, resolved after the walk. */
export interface PendingErrorHandler {
  handler: Expr;
  framework: Framework | null;
  owner: string | null;
  types: string[];
}

/** A variable holding an app or router created by a framework factory. */
export interface ServerVariable {
  framework: Framework;
  isRouter: boolean;
}

/** A statement or expression body whose value may be an HTTP response. */
export interface ReturnSite {
  functionId: number;
  body: Expr | null;
  range: Range;
  catchId: number | null;
  guards: string[];
}

export interface ThrowSite extends ReturnSite {
  value: Expr;
}

export interface AssignmentSite {
  fact: PropertyAssignmentFact;
  range: Range;
  catchId: number | null;
  guards: string[];
}

/** Mutable state of one adapter run over one file. */
export interface ModelBuilder {
  source: string;
  /** Offsets where each line starts, to turn end offsets into positions without the tree. */
  lineStarts: number[];
  model: FileModel;
  stack: WalkItem[];
  nextFunctionId: number;
  nextCatchId: number;
  nameHints: Map<number, NameHint>;
  functionInfo: Map<number, FunctionInfo>;
  functionsByName: Map<string, number[]>;
  /** Calls that are the receiver of another call in a chain (`res.status(500)` in `.json()`). */
  chainedCalls: Set<CallExpr>;
  /** Import facts of `require('m')` and `import('m')` calls, completed by their declarator. */
  requireImports: Map<CallExpr, ImportFact>;
  /** Local name to the module and the name it was imported as. */
  importedNames: Map<string, { module: string; imported: string }>;
  serverVariables: Map<string, ServerVariable>;
  /** `functionId:name` of local variables holding a response (`ctx.getResponse()` in NestJS). */
  responseVariables: Set<string>;
  pendingRoutes: PendingRoute[];
  pendingMounts: PendingMount[];
  pendingErrorHandlers: PendingErrorHandler[];
  roles: Map<number, FunctionRole>;
  orderByOwner: Map<string, number>;
  returnSites: ReturnSite[];
  throwSites: ThrowSite[];
  assignmentSites: AssignmentSite[];
  /** Decorators of `export` statements, keyed by the id of the class they decorate. */
  exportDecorators: Map<number, SyntaxNode[]>;
  /** Exported name to local name (`export { handler as GET }` maps GET to handler). */
  exportedNames: Map<string, { local: string; range: Range }>;
  defaultExportNodeId: number | null;
  defaultExport: Expr | null;
  /** `@HttpCode(n)` of NestJS methods, by function id. */
  httpCodes: Map<number, number>;
  /** Module-level bindings by name, built on first use after the walk. */
  moduleBindings: Map<string, Expr> | null;
}

/** Creates the state of one adapter run. */
export function createBuilder(source: string, model: FileModel): ModelBuilder {
  return {
    source,
    lineStarts: getLineStarts(source),
    model,
    stack: [],
    nextFunctionId: 1,
    nextCatchId: 1,
    nameHints: new Map(),
    functionInfo: new Map(),
    functionsByName: new Map(),
    chainedCalls: new Set(),
    requireImports: new Map(),
    importedNames: new Map(),
    serverVariables: new Map(),
    responseVariables: new Set(),
    pendingRoutes: [],
    pendingMounts: [],
    pendingErrorHandlers: [],
    roles: new Map(),
    orderByOwner: new Map(),
    returnSites: [],
    throwSites: [],
    assignmentSites: [],
    exportDecorators: new Map(),
    exportedNames: new Map(),
    defaultExportNodeId: null,
    defaultExport: null,
    httpCodes: new Map(),
    moduleBindings: null,
  };
}

/** Creates the module-level context. */
export function createRootContext(): WalkContext {
  return {
    functionId: 0,
    catchId: null,
    tryIds: null,
    guards: null,
    tryIdList: undefined,
    guardList: undefined,
  };
}

/** Returns `ctx` with `guard` as its innermost guard. */
export function withGuard(ctx: WalkContext, guard: string): WalkContext {
  return { ...bareContext(ctx), guards: { value: guard, next: ctx.guards } };
}

/** Returns `ctx` inside the protected body of try block `tryId`. */
export function withTry(ctx: WalkContext, tryId: number): WalkContext {
  return { ...bareContext(ctx), tryIds: { value: tryId, next: ctx.tryIds } };
}

export function withCatch(ctx: WalkContext, catchId: number): WalkContext {
  return { ...bareContext(ctx), catchId };
}

export function withFunction(ctx: WalkContext, functionId: number): WalkContext {
  return { ...bareContext(ctx), functionId };
}

function bareContext(ctx: WalkContext): WalkContext {
  // Every context gets the same fields in the same order, so they share one object shape.
  return {
    functionId: ctx.functionId,
    catchId: ctx.catchId,
    tryIds: ctx.tryIds,
    guards: ctx.guards,
    tryIdList: undefined,
    guardList: undefined,
  };
}

/** Returns the try ids of `ctx`, innermost first, computed once and shared by its facts. */
export function getTryIds(ctx: WalkContext): number[] {
  ctx.tryIdList ??= chainToArray(ctx.tryIds);
  return ctx.tryIdList;
}

/** Returns the guard texts of `ctx`, innermost first. */
export function getGuards(ctx: WalkContext): string[] {
  ctx.guardList ??= chainToArray(ctx.guards);
  return ctx.guardList;
}

function chainToArray<T>(chain: Chain<T> | null): T[] {
  const values: T[] = [];
  for (let link = chain; link && values.length < MAX_CONTEXT_ENTRIES; link = link.next) {
    values.push(link.value);
  }
  return values;
}

function getLineStarts(source: string): number[] {
  const starts = [0];
  for (let index = source.indexOf('\n'); index !== -1; index = source.indexOf('\n', index + 1)) {
    starts.push(index + 1);
  }
  return starts;
}

/**
 * Returns the 1-based range of `node`. The end position comes from the line table, which matches
 * tree-sitter's rows and UTF-16 columns for a JavaScript string source.
 */
export function getRange(b: ModelBuilder, node: SyntaxNode): Range {
  const end = node.endIndex;
  const starts = b.lineStarts;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= end) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  const start = node.startPosition;
  return {
    startLine: start.row + 1,
    startColumn: start.column + 1,
    endLine: low + 1,
    endColumn: end - starts[low]! + 1,
  };
}

/** Source text of `node`, cut to `MAX_TEXT_LENGTH` without copying the rest of a large node. */
export function getText(b: ModelBuilder, node: SyntaxNode): string {
  const start = node.startIndex;
  return b.source.slice(start, Math.min(node.endIndex, start + MAX_TEXT_LENGTH));
}

/** Full source text of a node known to be short, such as an identifier. */
export function getShortText(b: ModelBuilder, node: SyntaxNode): string {
  return b.source.slice(node.startIndex, node.endIndex);
}

export function truncate(text: string): string {
  return text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text;
}

/** Range of the first line of `node`, for anonymous functions. */
export function getFirstLineRange(b: ModelBuilder, node: SyntaxNode): Range {
  const range = getRange(b, node);
  if (range.startLine === range.endLine) {
    return range;
  }
  const lineEnd = b.source.indexOf('\n', node.startIndex);
  const width = (lineEnd === -1 ? b.source.length : lineEnd) - node.startIndex;
  return {
    startLine: range.startLine,
    startColumn: range.startColumn,
    endLine: range.startLine,
    endColumn: range.startColumn + width,
  };
}

export function makeOther(
  b: ModelBuilder,
  node: SyntaxNode,
  syntax: string,
  children: Expr[],
): OtherExpr {
  return { kind: 'other', syntax, children, range: getRange(b, node), text: getText(b, node) };
}

export function getType(node: SyntaxNode): string {
  return node.type;
}

export function getOptionalType(node: SyntaxNode | null | undefined): string | undefined {
  return node ? getType(node) : undefined;
}

/**
 * Returns the operator between two operands, read from the source to spare calls into
 * WebAssembly, or null when a comment is there.
 */
export function getOperatorBetween(b: ModelBuilder, start: number, end: number): string | null {
  const operator = b.source.slice(start, end).trim();
  return operator.includes('/*') || operator.includes('//') ? null : operator;
}

/** Named children of `node` without comments. */
export function getNamedChildren(node: SyntaxNode): readonly SyntaxNode[] {
  const children = node.namedChildren;
  let hasComment = false;
  for (const child of children) {
    if (getType(child) === 'comment') {
      hasComment = true;
      break;
    }
  }
  return hasComment ? children.filter((child) => getType(child) !== 'comment') : children;
}

/** Next position in the shared route and mount order of `owner`. */
export function takeOrder(b: ModelBuilder, owner: string | null): number {
  const key = owner ?? '';
  const order = b.orderByOwner.get(key) ?? 0;
  b.orderByOwner.set(key, order + 1);
  return order;
}

/** Registers the function `id` under `name` for handler lookups by name. */
export function registerFunctionName(b: ModelBuilder, name: string, id: number): void {
  const ids = b.functionsByName.get(name);
  if (ids) {
    ids.push(id);
  } else {
    b.functionsByName.set(name, [id]);
  }
}
