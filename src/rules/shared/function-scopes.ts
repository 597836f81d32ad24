import type { FileModel, FunctionFact } from '../../model/types.js';

/** Limits the walk up the parent chain, in case a model ever links a function to itself. */
const MAX_NESTING = 32;

/** Returns the function of `file` with id `functionId`, and throws when the model has none. */
export function getFunction(file: FileModel, functionId: number): FunctionFact {
  const fn = file.functions.find((candidate) => candidate.id === functionId);
  if (!fn) {
    throw new Error(`Expected function ${functionId} in ${file.path}, got none`);
  }
  return fn;
}

/** True when `functionId` is `ancestorId` or a function nested in it, such as a callback of a handler. */
export function isWithinFunction(file: FileModel, functionId: number, ancestorId: number): boolean {
  let current = functionId;
  for (let depth = 0; depth < MAX_NESTING && current !== 0; depth++) {
    if (current === ancestorId) {
      return true;
    }
    current = file.functions.find((fn) => fn.id === current)?.parentId ?? 0;
  }
  return false;
}
