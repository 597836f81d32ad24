import type {
  BindingFact,
  CallExpr,
  CallFact,
  CatchFact,
  DecoratorFact,
  Expr,
  FunctionFact,
  ImportFact,
  PropertyAssignmentFact,
  Range,
} from '../types.js';
import type { SourceIndex } from './source.js';

/** Maximum number of enclosing `if` conditions and `try` blocks kept per call, innermost first. */
export const MAX_ENCLOSING = 32;

/** Context of a statement: its function, and the `try`, `except` and `if` blocks around it. */
export interface Scope {
  functionId: number;
  tryIds: number[];
  catchId: number | null;
  guards: string[];
  /** Class whose body this scope is. Null inside functions, methods included. */
  classRecord: ClassRecord | null;
}

/** A class attribute set in the class body: `throttle_classes = [UserRateThrottle]`. */
export interface ClassAttribute {
  name: string;
  value: Expr;
  range: Range;
}

export interface ClassRecord {
  name: string;
  bases: string[];
  decorators: DecoratorFact[];
  /** The same decorators with their expressions, for route middleware. */
  decoratorRecords: DecoratorRecord[];
  attributes: ClassAttribute[];
  range: Range;
  /** Id of the function around the class, 0 at module level. */
  functionId: number;
}

/** A decorator with its converted expression, so routes can read keyword arguments. */
export interface DecoratorRecord {
  fact: DecoratorFact;
  expr: Expr;
}

/** A function's fact plus the data that routes and handlers need about it. */
export interface FunctionRecord {
  fact: FunctionFact;
  classRecord: ClassRecord | null;
  decorators: DecoratorRecord[];
  /** FastAPI `Depends(...)` and `Security(...)` calls in parameter defaults and annotations. */
  dependencies: CallExpr[];
  bodyRange: Range;
}

/** A `return` or `raise` statement, turned into a response once handlers are known. */
export interface ExitRecord {
  functionId: number;
  value: Expr | null;
  range: Range;
  catchId: number | null;
  guards: string[];
}

/** Mutable state of one adapter run over one file. */
export interface BuildState {
  source: SourceIndex;
  path: string;
  scope: Scope;
  imports: ImportFact[];
  functions: FunctionRecord[];
  classes: ClassRecord[];
  bindings: BindingFact[];
  propertyAssignments: PropertyAssignmentFact[];
  /** Filled in source order: a call's slot is reserved before its arguments are converted. */
  calls: CallFact[];
  catches: CatchFact[];
  returns: ExitRecord[];
  raises: ExitRecord[];
  /** Name or dotted path a call's result is assigned to: `bp` for `bp = Blueprint(...)`. */
  assignedTo: Map<Expr, string>;
  /** Shared counter for `try` blocks and catches, so their ids never collide. */
  nextBlockId: number;
}

/** Creates the state for one file, positioned at module level. */
export function createBuildState(source: SourceIndex, path: string): BuildState {
  return {
    source,
    path,
    scope: { functionId: 0, tryIds: [], catchId: null, guards: [], classRecord: null },
    imports: [],
    functions: [],
    classes: [],
    bindings: [],
    propertyAssignments: [],
    calls: [],
    catches: [],
    returns: [],
    raises: [],
    assignedTo: new Map(),
    nextBlockId: 1,
  };
}

/** Creates the scope of a function body, which no guard or try block of the definition covers. */
export function createFunctionScope(functionId: number): Scope {
  return { functionId, tryIds: [], catchId: null, guards: [], classRecord: null };
}

/** Adds conditions in front of the scope's guards, innermost first. */
export function addGuards(scope: Scope, guards: string[]): Scope {
  const combined = guards.concat(scope.guards);
  return { ...scope, guards: combined.slice(0, MAX_ENCLOSING) };
}
