import { isMap, isScalar, type Node } from 'yaml';
import type { CiFile, CiStep, ShellOptions } from './types.js';
import {
  getEntries,
  getItems,
  getLine,
  getNode,
  getScriptCommands,
  getString,
  parseYamlSource,
  type YamlSource,
} from './yaml-nodes.js';

/** Top-level keys of `.gitlab-ci.yml` that are not jobs. */
const RESERVED_KEYS = new Set([
  'after_script',
  'before_script',
  'cache',
  'default',
  'image',
  'include',
  'services',
  'spec',
  'stages',
  'types',
  'variables',
  'workflow',
]);

/** GitLab Runner starts Bash scripts with `set -eo pipefail`. */
const GITLAB_SHELL: ShellOptions = { errexit: true, pipefail: true };

/** A GitLab CI file reduced to steps, plus the local files it includes. */
export interface GitlabCiResult {
  file: CiFile;
  /** Paths of `include: local:` files, relative to the project root. */
  localIncludes: string[];
}

/**
 * Reads a GitLab CI file: each job's `before_script`, `script` and `after_script` (following
 * `extends`), its image, and `include:` entries, where a template or component is a step of its
 * own. A job with `allow_failure` cannot fail the pipeline, nor can an `after_script` command.
 */
export function readGitlabCi(text: string, path: string): GitlabCiResult {
  const source = parseYamlSource(text);
  const steps: CiStep[] = [];
  const localIncludes = readIncludes(source, steps);
  const isScanningDisabled = isDependencyScanningDisabled(source);
  if (isScanningDisabled) {
    steps.length = 0;
  }

  const jobs = new Map<string, Node>();
  for (const [name, value] of getEntries(source, source.root)) {
    if (!RESERVED_KEYS.has(name) && isMap(value)) {
      jobs.set(name, value);
    }
  }
  const defaults = getNode(source, source.root, 'default');

  for (const [name, job] of jobs) {
    if (name.startsWith('.')) {
      continue;
    }
    const chain = getExtendsChain(source, job, jobs);
    const lookup = (key: string): Node | null => findInChain(source, chain, key);
    const allowFailure = lookup('allow_failure');
    const jobIgnoredBy = isAllowFailure(allowFailure)
      ? `\`allow_failure\` on job \`${name}\``
      : null;

    const image = lookup('image');
    const imageName = isMap(image) ? getString(source, image, 'name') : getScalarText(image);
    if (imageName && !isScanningDisabled) {
      steps.push(makeActionStep(`image:${imageName}`, getLine(source, image), jobIgnoredBy));
    }

    const beforeScript =
      lookup('before_script') ??
      getNode(source, defaults, 'before_script') ??
      getNode(source, source.root, 'before_script');
    const scripts: Array<[Node | null, string | null]> = [
      [beforeScript, jobIgnoredBy],
      [lookup('script'), jobIgnoredBy],
      [lookup('after_script'), '`after_script`, whose failures GitLab ignores'],
    ];
    for (const [node, ignoredBy] of scripts) {
      const commands = getScriptCommands(source, node);
      if (commands.length > 0) {
        steps.push({
          commands,
          action: null,
          inputs: {},
          line: commands[0].line,
          shell: GITLAB_SHELL,
          failureIgnoredBy: ignoredBy,
        });
      }
    }
  }
  return { file: { path, system: 'gitlab-ci', steps }, localIncludes };
}

function readIncludes(source: YamlSource, steps: CiStep[]): string[] {
  const localIncludes: string[] = [];
  for (const include of getItems(source, getNode(source, source.root, 'include'))) {
    const line = getLine(source, include);
    const text = getScalarText(include);
    if (text !== null) {
      if (/^https?:/.test(text)) {
        continue;
      }
      localIncludes.push(text.replace(/^\//, ''));
      continue;
    }
    for (const kind of ['template', 'component'] as const) {
      const value = getString(source, include, kind);
      if (value) {
        steps.push(makeActionStep(`${kind}:${value}`, line, null));
      }
    }
    const local = getString(source, include, 'local');
    if (local) {
      localIncludes.push(local.replace(/^\//, ''));
    }
  }
  return localIncludes.filter((include) => !include.includes('*'));
}

function isDependencyScanningDisabled(source: YamlSource): boolean {
  const variables = getNode(source, source.root, 'variables');
  const value = getString(source, variables, 'DEPENDENCY_SCANNING_DISABLED');
  return value !== null && value !== '' && value.toLowerCase() !== 'false';
}

// `extends` may name one job or a list; later entries and the job itself override earlier ones.
function getExtendsChain(source: YamlSource, job: Node, jobs: Map<string, Node>): Node[] {
  const chain: Node[] = [job];
  const visited = new Set<Node>([job]);
  const pending = [job];
  while (pending.length > 0 && chain.length < 20) {
    const current = pending.shift() as Node;
    const parents = getItems(source, getNode(source, current, 'extends'))
      .map((item) => getScalarText(item))
      .reverse();
    for (const parentName of parents) {
      const parent = parentName ? jobs.get(parentName) : undefined;
      if (parent && !visited.has(parent)) {
        visited.add(parent);
        chain.push(parent);
        pending.push(parent);
      }
    }
  }
  return chain;
}

function findInChain(source: YamlSource, chain: Node[], key: string): Node | null {
  for (const job of chain) {
    const value = getNode(source, job, key);
    if (value) {
      return value;
    }
  }
  return null;
}

// `allow_failure: true`, or `allow_failure: { exit_codes: [...] }` for chosen exit codes.
function isAllowFailure(node: Node | null): boolean {
  if (isMap(node)) {
    return true;
  }
  return getScalarText(node)?.toLowerCase() === 'true';
}

function getScalarText(node: unknown): string | null {
  return isScalar(node) && node.value !== null ? String(node.value) : null;
}

function makeActionStep(action: string, line: number, failureIgnoredBy: string | null): CiStep {
  return { commands: [], action, inputs: {}, line, shell: GITLAB_SHELL, failureIgnoredBy };
}
