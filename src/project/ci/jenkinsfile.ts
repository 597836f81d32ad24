import { splitCommands } from './yaml-nodes.js';
import type { CiCommand, CiFile, CiStep, ShellOptions } from './types.js';

/** Jenkins runs `sh` steps with `sh -xe`: a failing command stops the script; no `pipefail`. */
const JENKINS_SHELL: ShellOptions = { errexit: true, pipefail: false };

/** Plugin steps that scan dependencies without a shell: Snyk and OWASP Dependency-Check. */
const PLUGIN_STEP = /\b(snykSecurity|dependencyCheck)\b\s*\(?/g;

const SHELL_STEP =
  /\b(sh|bat|powershell|pwsh)\b\s*\(?\s*(?:(?:label|encoding|returnStdout|returnStatus)\s*:\s*(?:'[^'\n]*'|"[^"\n]*"|\w+)\s*,\s*)*(?:script\s*:\s*)?('''|"""|'|")/g;

/**
 * Reads a Jenkinsfile as text, since Groovy is not parsed: the string of each `sh`, `bat`,
 * `powershell` and `pwsh` step becomes a script step, and `snykSecurity` and `dependencyCheck`
 * plugin steps become commands of their own. `returnStatus: true` and `catchError` with
 * `buildResult: 'SUCCESS'` keep a failure from failing the build.
 */
// NOTE: `try { ... } catch` blocks and Groovy string interpolation are not followed.
export function readJenkinsfile(text: string, path: string): CiFile {
  const code = blankComments(text);
  const lineStarts = getLineStarts(code);
  const steps: CiStep[] = [];
  const successBlocks = findCatchErrorBlocks(code);

  for (const match of code.matchAll(SHELL_STEP)) {
    const quote = match[2];
    const bodyStart = (match.index ?? 0) + match[0].length;
    const bodyEnd = findStringEnd(code, bodyStart, quote);
    if (bodyEnd < 0) {
      continue;
    }
    const body = code.slice(bodyStart, bodyEnd);
    const startLine = getLineAt(lineStarts, bodyStart);
    const call = code.slice(match.index ?? 0, findCallEnd(code, bodyEnd + quote.length));
    let commands: CiCommand[] = splitCommands(body, startLine, true);
    if (quote.length === 1) {
      commands = commands.map((command) => ({ ...command, text: unescapeGroovy(command.text) }));
    }
    steps.push({
      commands,
      action: null,
      inputs: {},
      line: getLineAt(lineStarts, match.index ?? 0),
      shell: JENKINS_SHELL,
      failureIgnoredBy: getIgnoredBy(call, match.index ?? 0, successBlocks),
    });
  }

  for (const match of code.matchAll(PLUGIN_STEP)) {
    const start = match.index ?? 0;
    const call = code.slice(start, findCallEnd(code, start + match[0].length));
    steps.push({
      commands: [{ text: call.replace(/\s+/g, ' '), line: getLineAt(lineStarts, start) }],
      action: null,
      inputs: {},
      line: getLineAt(lineStarts, start),
      shell: JENKINS_SHELL,
      failureIgnoredBy: getIgnoredBy(call, start, successBlocks),
    });
  }
  steps.sort((a, b) => a.line - b.line);
  return { path, system: 'jenkins', steps };
}

function getIgnoredBy(
  call: string,
  offset: number,
  successBlocks: Array<[number, number]>,
): string | null {
  if (/\breturnStatus\s*:\s*true\b/.test(call)) {
    return '`returnStatus: true`';
  }
  if (successBlocks.some(([start, end]) => offset > start && offset < end)) {
    return "`catchError(buildResult: 'SUCCESS')`";
  }
  return null;
}

// Spans of `catchError(buildResult: 'SUCCESS') { ... }` blocks, found by brace matching.
function findCatchErrorBlocks(code: string): Array<[number, number]> {
  const blocks: Array<[number, number]> = [];
  for (const match of code.matchAll(/\bcatchError\s*\(([^)]*)\)\s*\{/g)) {
    if (!/buildResult\s*:\s*['"]SUCCESS['"]/.test(match[1])) {
      continue;
    }
    const start = (match.index ?? 0) + match[0].length;
    let depth = 1;
    let position = start;
    while (position < code.length && depth > 0) {
      if (code[position] === '{') {
        depth += 1;
      } else if (code[position] === '}') {
        depth -= 1;
      }
      position += 1;
    }
    blocks.push([start, position]);
  }
  return blocks;
}

function findStringEnd(code: string, start: number, quote: string): number {
  let position = start;
  while (position < code.length) {
    if (code[position] === '\\') {
      position += 2;
      continue;
    }
    if (code.startsWith(quote, position)) {
      return position;
    }
    if (quote.length === 1 && code[position] === '\n') {
      return -1;
    }
    position += 1;
  }
  return -1;
}

// The end of the step's argument list: the closing parenthesis, or the end of the line.
function findCallEnd(code: string, from: number): number {
  const lineEnd = code.indexOf('\n', from);
  let depth = 0;
  for (let position = from; position < code.length; position += 1) {
    const char = code[position];
    if (char === '(') {
      depth += 1;
    } else if (char === ')') {
      if (depth === 0) {
        return position + 1;
      }
      depth -= 1;
    } else if (char === '\n' && depth === 0 && !/[,(]\s*$/.test(code.slice(from, position))) {
      return position;
    }
  }
  return lineEnd < 0 ? code.length : lineEnd;
}

// Replaces `//` and `/* */` comments with spaces, keeping offsets and line breaks.
function blankComments(text: string): string {
  return text.replace(
    /\/\*[\s\S]*?\*\/|(^|[^:'"\\])\/\/[^\n]*/g,
    (comment, prefix: string | undefined) => {
      const precedingCharacter = prefix ?? '';
      return precedingCharacter + comment.slice(precedingCharacter.length).replace(/[^\n]/g, ' ');
    },
  );
}

function unescapeGroovy(text: string): string {
  return text.replace(/\\(['"\\$])/g, '$1');
}

function getLineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '\n') {
      starts.push(index + 1);
    }
  }
  return starts;
}

function getLineAt(lineStarts: number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (lineStarts[middle] <= offset) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low + 1;
}
