import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  Scalar,
  type YAMLMap,
} from 'yaml';
import type { CiCommand } from './types.js';

/** A parsed YAML file with what is needed to turn nodes into 1-based lines. */
export interface YamlSource {
  document: Document;
  lineCounter: LineCounter;
  root: YAMLMap;
}

/** Parses a YAML configuration file whose top level is a mapping; throws on invalid YAML. */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, merge: true });
  if (document.errors.length > 0) {
    throw new Error(`Invalid YAML: ${firstLine(document.errors[0].message)}`);
  }
  if (!isMap(document.contents)) {
    throw new Error('Expected a YAML mapping at the top level');
  }
  return { document, lineCounter, root: document.contents };
}

/** Follows an alias (`*name`) to the node its anchor marks. */
export function resolveNode(source: YamlSource, node: unknown): Node | null {
  if (isAlias(node)) {
    return (node.resolve(source.document) as Node | undefined) ?? null;
  }
  return (node as Node | null | undefined) ?? null;
}

/**
 * Returns the value node of `key` in a mapping, aliases resolved. Keys merged in with `<<: *anchor`
 * count too, after the mapping's own keys, as YAML 1.1 merge keys define.
 */
export function getNode(source: YamlSource, map: unknown, key: string): Node | null {
  let pending = [resolveNode(source, map)];
  for (let depth = 0; depth < 10 && pending.length > 0; depth += 1) {
    const merged: Array<Node | null> = [];
    for (const candidate of pending) {
      if (!isMap(candidate)) {
        continue;
      }
      const value = candidate.get(key, true);
      if (value !== undefined) {
        return resolveNode(source, value);
      }
      const mergeValue = candidate.items.find((pair) => isMergeKey(pair.key))?.value;
      merged.push(...getItems(source, mergeValue));
    }
    pending = merged;
  }
  return null;
}

/** Returns the value of `key` as a string when it is a scalar. */
export function getString(source: YamlSource, map: unknown, key: string): string | null {
  const node = getNode(source, map, key);
  return isScalar(node) && node.value !== null ? String(node.value) : null;
}

/** True when `key` is the boolean `true` (or the string `"true"`). */
export function isTrueValue(source: YamlSource, map: unknown, key: string): boolean {
  return getString(source, map, key)?.toLowerCase() === 'true';
}

/** Returns the 1-based line where a node starts. */
export function getLine(source: YamlSource, node: unknown, fallback = 1): number {
  const range = (node as Node | null)?.range;
  return range ? source.lineCounter.linePos(range[0]).line : fallback;
}

/** Returns the entries of a mapping as key text and value node, aliases resolved. */
export function getEntries(source: YamlSource, map: unknown): Array<[string, Node | null, Node]> {
  const resolved = resolveNode(source, map);
  if (!isMap(resolved)) {
    return [];
  }
  const entries: Array<[string, Node | null, Node]> = [];
  for (const pair of resolved.items) {
    if (isScalar(pair.key)) {
      entries.push([String(pair.key.value), resolveNode(source, pair.value), pair.key]);
    }
  }
  return entries;
}

/** Returns the items of a sequence, aliases resolved; a single non-sequence value becomes one item. */
export function getItems(source: YamlSource, node: unknown): Node[] {
  const resolved = resolveNode(source, node);
  if (isSeq(resolved)) {
    return resolved.items
      .map((item) => resolveNode(source, item))
      .filter((item): item is Node => item !== null);
  }
  return resolved ? [resolved] : [];
}

/** Converts a mapping of scalars (action inputs, task inputs) to strings. */
export function getStringMap(source: YamlSource, map: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of getEntries(source, map)) {
    if (isScalar(value) && value.value !== null) {
      result[key] = String(value.value);
    }
  }
  return result;
}

/**
 * Splits a script scalar (or a sequence of them, as in GitLab `script:`) into commands with the
 * line each starts on. Lines of a literal block (`|`) map one to one onto the file. A folded
 * block (`>`) or a multi-line flow scalar loses that mapping, so its commands get its first line.
 */
export function getScriptCommands(source: YamlSource, node: unknown): CiCommand[] {
  const resolved = resolveNode(source, node);
  if (isSeq(resolved)) {
    return resolved.items.flatMap((item) => getScriptCommands(source, item));
  }
  if (!isScalar(resolved) || resolved.value === null || typeof resolved.value === 'object') {
    return [];
  }
  const text = String(resolved.value);
  const startLine = getLine(source, resolved);
  if (resolved.type === Scalar.BLOCK_LITERAL) {
    return splitCommands(text, startLine + 1, true);
  }
  return splitCommands(text, startLine, false);
}

/**
 * Splits shell text into logical commands: backslash continuations are joined, blank lines and
 * `#` comment lines are dropped. With `linesMatch` false every command gets `firstLine`.
 */
export function splitCommands(text: string, firstLine: number, linesMatch = true): CiCommand[] {
  const commands: CiCommand[] = [];
  let buffer = '';
  let start = firstLine;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = linesMatch ? firstLine + index : firstLine;
    if (buffer === '') {
      start = line;
      if (raw.trim() === '' || raw.trimStart().startsWith('#')) {
        continue;
      }
    }
    if (/\\\s*$/.test(raw)) {
      buffer += raw.replace(/\\\s*$/, ' ');
      continue;
    }
    buffer += raw;
    commands.push({ text: buffer.trim(), line: start });
    buffer = '';
  }
  if (buffer.trim() !== '') {
    commands.push({ text: buffer.trim(), line: start });
  }
  return commands;
}

// With `merge: true`, the yaml package parses a `<<` key as a scalar holding Symbol('<<').
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) {
    return false;
  }
  const value = key.value;
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
}

// The yaml package's messages end their first line with `:` before a code excerpt.
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/:\s*$/, '');
}
