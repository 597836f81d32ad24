import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { CiFile, CiStep, ShellOptions } from './types.js';
import {
  getEntries,
  getItems,
  getLine,
  getNode,
  getScriptCommands,
  getString,
  getStringMap,
  parseYamlSource,
  type YamlSource,
} from './yaml-nodes.js';

/** Bitbucket stops a step at the first script command that fails; pipes are not `pipefail`. */
const BITBUCKET_SHELL: ShellOptions = { errexit: true, pipefail: false };

/**
 * Reads `bitbucket-pipelines.yml`: every `step` under `pipelines` (default, branches,
 * pull-requests, tags, custom; inside `parallel` and `stage` too), following YAML anchors into
 * `definitions`. A `pipe:` entry becomes an action named `pipe:<name>`. Failures in
 * `after-script` do not fail the step.
 */
export function readBitbucketPipelines(text: string, path: string): CiFile {
  const source = parseYamlSource(text);
  const steps: CiStep[] = [];
  const seenSteps = new Set<Node>();
  const pending: Node[] = [];
  const pipelines = getNode(source, source.root, 'pipelines');
  if (pipelines) {
    pending.push(pipelines);
  }

  while (pending.length > 0) {
    const node = pending.pop() as Node;
    if (isSeq(node)) {
      pending.push(...getItems(source, node));
      continue;
    }
    if (!isMap(node)) {
      continue;
    }
    for (const [key, value] of getEntries(source, node)) {
      if (key === 'step' && value && !seenSteps.has(value)) {
        seenSteps.add(value);
        steps.push(...readStep(source, value));
      } else if (value && (isMap(value) || isSeq(value))) {
        pending.push(value);
      }
    }
  }
  steps.sort((a, b) => a.line - b.line);
  return { path, system: 'bitbucket-pipelines', steps };
}

function readStep(source: YamlSource, step: Node): CiStep[] {
  const result: CiStep[] = [];
  const scripts: Array<[Node | null, string | null]> = [
    [getNode(source, step, 'script'), null],
    [getNode(source, step, 'after-script'), '`after-script`, whose failures Bitbucket ignores'],
  ];
  for (const [script, failureIgnoredBy] of scripts) {
    for (const item of getItems(source, script)) {
      const line = getLine(source, item);
      const pipe = isMap(item) ? getString(source, item, 'pipe') : null;
      const inlinePipe = isScalar(item)
        ? /^pipe:\s*(\S+)/.exec(String(item.value))?.[1]
        : undefined;
      if (pipe || inlinePipe) {
        result.push({
          commands: [],
          action: `pipe:${pipe ?? inlinePipe}`,
          inputs: getStringMap(source, getNode(source, item, 'variables')),
          line,
          shell: BITBUCKET_SHELL,
          failureIgnoredBy,
        });
        continue;
      }
      const commands = getScriptCommands(source, item);
      if (commands.length > 0) {
        result.push({
          commands,
          action: null,
          inputs: {},
          line,
          shell: BITBUCKET_SHELL,
          failureIgnoredBy,
        });
      }
    }
  }
  return result;
}
