import type { CiCommand, ShellOptions } from './types.js';

type Operator = '||' | '&&' | '|' | ';' | '&';

/** Fallbacks after `||` that still fail the script: `|| exit 1`, `|| false`, `|| exit $?`. */
const FAILING_FALLBACK = /^\s*(?:exit\s*(?:[1-9]\d*|\$\?)?|false|return\s+[1-9]\d*)\s*(?:$|[;&|)])/;

/**
 * Returns why a scanner that fails at `offset` inside `commands[index]` would not fail its
 * script, or null when the failure reaches the CI system. The checks cover an `||` fallback
 * that succeeds (`|| true`, `|| exit 0`, `|| echo`), a pipe without `pipefail`, and `&`.
 * They also cover a shell without `errexit` (after `set +e`, or by the CI system's default),
 * where a later command sets the script's exit status.
 */
export function getIgnoredFailureReason(
  commands: CiCommand[],
  index: number,
  offset: number,
  shell: ShellOptions,
): string | null {
  const options = getOptionsBefore(commands, index, shell);
  const text = commands[index].text;
  const next = findNextOperator(text, offset);

  if (next?.operator === '||') {
    const fallback = text.slice(next.end);
    if (!FAILING_FALLBACK.test(fallback) && !/\bexit\s+(?:[1-9]\d*|\$\?)/.test(fallback)) {
      return `\`|| ${fallback.trim().split(/\s*(?:;|&&|\|\|)\s*/)[0]}\``;
    }
    return null;
  }
  if (next?.operator === '|' && !options.pipefail) {
    return 'a pipe into another command without `set -o pipefail`';
  }
  if (next?.operator === '&') {
    return 'running it in the background with `&`';
  }

  const hasLaterCommand = /;\s*\S/.test(text.slice(offset)) || index < commands.length - 1;
  // `set -e` ignores a failure on the left of `&&`, so later commands run and decide the status.
  if (next?.operator === '&&' && hasLaterCommand) {
    return 'an `&&` list followed by other commands, where `set -e` does not apply';
  }
  if (!options.errexit && hasLaterCommand) {
    return options.disabledBy ?? 'a shell that does not stop on errors (no `set -e`)';
  }
  return null;
}

/** Reads `errexit` and `pipefail` from a shell command line such as `/bin/bash -eo pipefail`. */
export function getCommandLineShellOptions(commandLine: string): ShellOptions {
  return { errexit: /\s-\w*e/.test(commandLine), pipefail: /pipefail/.test(commandLine) };
}

/** Shell options in force before `commands[index]`, after any `set -e` / `set +e` before it. */
function getOptionsBefore(
  commands: CiCommand[],
  index: number,
  shell: ShellOptions,
): ShellOptions & { disabledBy: string | null } {
  const options = { ...shell, disabledBy: null as string | null };
  for (const command of commands.slice(0, index)) {
    for (const match of command.text.matchAll(/\bset((?:\s+[-+][A-Za-z]+(?:\s+[a-z]\w*)?)+)/g)) {
      applySetArguments(options, match[1].trim().split(/\s+/));
    }
  }
  return options;
}

// Applies `set -e`, `set +e`, `set -o pipefail`, `set -euo pipefail` and their `+` forms.
function applySetArguments(
  options: ShellOptions & { disabledBy: string | null },
  tokens: string[],
): void {
  for (let index = 0; index < tokens.length; index += 1) {
    const flags = /^([-+])([A-Za-z]+)$/.exec(tokens[index]);
    if (!flags) {
      continue;
    }
    const enable = flags[1] === '-';
    const longOption = flags[2].endsWith('o') ? tokens[index + 1] : undefined;
    if (flags[2].includes('e') || longOption === 'errexit') {
      options.errexit = enable;
      options.disabledBy = enable ? null : `\`set ${tokens.join(' ')}\``;
    }
    if (longOption === 'pipefail') {
      options.pipefail = enable;
    }
  }
}

/** Finds the first control operator after `offset`, skipping quoted text and redirections (`2>&1`). */
function findNextOperator(
  text: string,
  offset: number,
): { operator: Operator; end: number } | null {
  let quote: string | null = null;
  let parentheses = 0;
  for (let position = offset; position < text.length; position += 1) {
    const char = text[position];
    if (quote) {
      if (char === '\\' && quote === '"') {
        position += 1;
      } else if (char === quote) {
        quote = null;
      }
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '(') {
      parentheses += 1;
    } else if (char === ')') {
      if (parentheses === 0) {
        return null;
      }
      parentheses -= 1;
    } else if (parentheses > 0) {
      continue;
    } else if (char === '|') {
      const isOr = text[position + 1] === '|';
      return { operator: isOr ? '||' : '|', end: position + (isOr ? 2 : 1) };
    } else if (char === '&') {
      if (text[position + 1] === '&') {
        return { operator: '&&', end: position + 2 };
      }
      if (text[position - 1] === '>' || text[position + 1] === '>') {
        continue;
      }
      return { operator: '&', end: position + 1 };
    } else if (char === ';') {
      return { operator: ';', end: position + 1 };
    }
  }
  return null;
}
