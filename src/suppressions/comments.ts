import path from 'node:path';
import type { Language } from '../model/types.js';

/** Comment and string syntax of a kind of file. */
export interface CommentSyntax {
  /** Marker of a comment that runs to the end of the line. */
  lineComment: '#' | '//';
  /** True when `/* ... *\/` block comments exist. */
  hasBlockComments: boolean;
  /** True when `'''` and `"""` open strings that span lines (Python). */
  hasTripleQuotes: boolean;
  /** True when backticks open template literals with `${...}` expressions (JavaScript). */
  hasTemplateLiterals: boolean;
  /**
   * True when a quote opens a string only at the start of a value and `#` starts a comment only
   * after whitespace, as in YAML (`name: don't` is a plain scalar, `a#b` is not a comment).
   */
  isConfigFile: boolean;
}

/** A comment found in source text. */
export interface SourceComment {
  /** 1-based line and column of the comment marker. */
  line: number;
  column: number;
  endLine: number;
  /** Text between the markers, without the leading `*` of block comment lines. */
  text: string;
}

const PYTHON: CommentSyntax = {
  lineComment: '#',
  hasBlockComments: false,
  hasTripleQuotes: true,
  hasTemplateLiterals: false,
  isConfigFile: false,
};

const JAVASCRIPT: CommentSyntax = {
  lineComment: '//',
  hasBlockComments: true,
  hasTripleQuotes: false,
  hasTemplateLiterals: true,
  isConfigFile: false,
};

const HASH_CONFIG: CommentSyntax = {
  lineComment: '#',
  hasBlockComments: false,
  hasTripleQuotes: false,
  hasTemplateLiterals: false,
  isConfigFile: true,
};

/** Extensions of CI files, manifests and lockfiles whose comments start with `#`. */
const HASH_COMMENT_EXTENSIONS = new Set(['.yml', '.yaml', '.toml', '.cfg', '.ini', '.txt', '.in']);
const HASH_COMMENT_NAMES = new Set(['Pipfile', 'Dockerfile', 'Procfile', 'yarn.lock']);

/** Returns the comment syntax of a source language. */
export function getLanguageSyntax(language: Language): CommentSyntax {
  return language === 'python' ? PYTHON : JAVASCRIPT;
}

/** Returns the comment syntax of a non-source file, or null when it has none (JSON). */
export function getFileSyntax(filePath: string): CommentSyntax | null {
  const name = path.posix.basename(filePath);
  if (HASH_COMMENT_NAMES.has(name) || HASH_COMMENT_EXTENSIONS.has(path.posix.extname(name))) {
    return HASH_CONFIG;
  }
  if (name === 'Jenkinsfile' || name.endsWith('.groovy')) {
    return JAVASCRIPT;
  }
  return null;
}

/**
 * Finds the comments of `source` with a line scanner that skips string literals, so that a
 * directive quoted in a string is not read as one. It does not parse, so a regular expression
 * literal that contains a quote or `//` can hide or fake a comment on its line.
 */
export function findComments(source: string, syntax: CommentSyntax): SourceComment[] {
  const comments: SourceComment[] = [];
  let line = 1;
  let lineStart = 0;
  let index = 0;
  // Brace depth inside each open `${...}` of a template literal, innermost last.
  const braceDepths: number[] = [];
  let isInTemplate = false;

  while (index < source.length) {
    const char = source[index]!;
    if (char === '\n') {
      line++;
      lineStart = index + 1;
      index++;
      continue;
    }

    if (isInTemplate) {
      if (char === '\\') {
        index += source[index + 1] === '\n' ? 1 : 2;
      } else if (char === '`') {
        isInTemplate = false;
        index++;
      } else if (char === '$' && source[index + 1] === '{') {
        braceDepths.push(0);
        isInTemplate = false;
        index += 2;
      } else {
        index++;
      }
      continue;
    }

    if (syntax.hasTemplateLiterals && braceDepths.length > 0 && (char === '{' || char === '}')) {
      const last = braceDepths.length - 1;
      if (char === '{') {
        braceDepths[last]!++;
      } else if (braceDepths[last] === 0) {
        braceDepths.pop();
        isInTemplate = true;
      } else {
        braceDepths[last]!--;
      }
      index++;
      continue;
    }
    if (syntax.hasTemplateLiterals && char === '`') {
      isInTemplate = true;
      index++;
      continue;
    }

    if ((char === '"' || char === "'") && opensString(source, index, lineStart, syntax)) {
      const end = findStringEnd(source, index, syntax);
      line += countNewlines(source, index, end);
      const lastNewline = source.lastIndexOf('\n', end - 1);
      if (lastNewline >= index) {
        lineStart = lastNewline + 1;
      }
      index = end;
      continue;
    }

    if (source.startsWith(syntax.lineComment, index) && startsComment(source, index, syntax)) {
      let end = source.indexOf('\n', index);
      if (end === -1) {
        end = source.length;
      }
      const text = source.slice(index + syntax.lineComment.length, end).replace(/\r$/, '');
      comments.push({ line, column: index - lineStart + 1, endLine: line, text: text.trim() });
      index = end;
      continue;
    }

    if (syntax.hasBlockComments && source.startsWith('/*', index)) {
      const close = source.indexOf('*/', index + 2);
      const end = close === -1 ? source.length : close;
      const endLine = line + countNewlines(source, index, end);
      const text = toBlockCommentText(source.slice(index + 2, end));
      comments.push({ line, column: index - lineStart + 1, endLine, text });
      line = endLine;
      const lastNewline = source.lastIndexOf('\n', end - 1);
      if (lastNewline >= index) {
        lineStart = lastNewline + 1;
      }
      index = close === -1 ? end : end + 2;
      continue;
    }

    index++;
  }
  return comments;
}

/** In YAML-like files a quote opens a string only where a value or key starts. */
function opensString(
  source: string,
  index: number,
  lineStart: number,
  syntax: CommentSyntax,
): boolean {
  if (!syntax.isConfigFile || index === lineStart) {
    return true;
  }
  return /[\s:[{,=-]/.test(source[index - 1]!);
}

function startsComment(source: string, index: number, syntax: CommentSyntax): boolean {
  if (!syntax.isConfigFile || index === 0) {
    return true;
  }
  return /\s/.test(source[index - 1]!);
}

/**
 * Returns the index just past the string that starts at `start`. A one-line string that is not
 * closed ends at the end of its line, so one stray quote cannot hide the rest of the file.
 */
function findStringEnd(source: string, start: number, syntax: CommentSyntax): number {
  const quote = source[start]!;
  const triple = quote.repeat(3);
  if (syntax.hasTripleQuotes && source.startsWith(triple, start)) {
    let index = start + 3;
    while (index < source.length) {
      if (source[index] === '\\') {
        index += 2;
      } else if (source.startsWith(triple, index)) {
        return index + 3;
      } else {
        index++;
      }
    }
    return source.length;
  }

  let index = start + 1;
  while (index < source.length) {
    const char = source[index];
    if (char === '\\' && !syntax.isConfigFile) {
      // A backslash escapes the next character, whether a quote or a newline.
      index += 2;
    } else if (char === quote) {
      return index + 1;
    } else if (char === '\n') {
      return index;
    } else {
      index++;
    }
  }
  return source.length;
}

function countNewlines(source: string, start: number, end: number): number {
  let count = 0;
  for (let index = source.indexOf('\n', start); index !== -1 && index < end; ) {
    count++;
    index = source.indexOf('\n', index + 1);
  }
  return count;
}

function toBlockCommentText(inner: string): string {
  return inner
    .split('\n')
    .map((line) => line.replace(/^\s*\*(?!\/)/, '').trim())
    .filter((line) => line !== '')
    .join(' ')
    .replace(/\*$/, '')
    .trim();
}
