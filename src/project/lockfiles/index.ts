import {
  getErrorMessage,
  type InputProblem,
  isInputProblem,
  readProjectText,
} from '../input-problem.js';
import { getBaseName, isInSkippedFolder } from '../project-paths.js';
import type { ProjectModel } from '../types.js';
import { getManifestEcosystem, isRequirementsFile, readManifest } from './manifests.js';
import { parsePackageLock } from './package-lock.js';
import { parsePipfileLock } from './pipfile-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { parseRequirements } from './requirements-txt.js';
import { parseTomlLock } from './toml-lock.js';
import type { LockedPackage, Manifest } from './types.js';
import { parseYarnLock } from './yarn-lock.js';

export type { Ecosystem, LockedPackage, Manifest } from './types.js';

type LockfileParser = (text: string, path: string) => LockedPackage[];

/** Lockfile parsers by file name. Requirements files are handled apart because they include others. */
const LOCKFILE_PARSERS: Record<string, LockfileParser> = {
  'package-lock.json': parsePackageLock,
  'npm-shrinkwrap.json': parsePackageLock,
  'yarn.lock': parseYarnLock,
  'pnpm-lock.yaml': parsePnpmLock,
  'poetry.lock': parseTomlLock,
  'uv.lock': parseTomlLock,
  'Pipfile.lock': parsePipfileLock,
};

/** The dependency declarations of a project. */
export interface DependencyInputs {
  /** Manifests that declare at least one dependency, root-level ones first. */
  manifests: Manifest[];
  /** Paths of the lockfiles that were parsed. */
  lockfiles: string[];
  /** Pinned package versions, one per declaring line. */
  packages: LockedPackage[];
  problems: InputProblem[];
}

/**
 * Finds the manifests and lockfiles of a project, outside installed-package, virtual-environment,
 * vendor and fixture folders, and reads every pinned version. A file that fails to parse becomes
 * a problem and the others are still read.
 */
export function readDependencyInputs(project: ProjectModel): DependencyInputs {
  const result: DependencyInputs = { manifests: [], lockfiles: [], packages: [], problems: [] };
  const seen = new Set<string>();
  const readText = (path: string): string | null => {
    const text = readProjectText(project, path);
    return isInputProblem(text) ? null : text;
  };

  const paths = project.files
    .map((file) => file.path)
    .filter((path) => !isInSkippedFolder(path))
    .sort(compareByDepth);

  for (const path of paths) {
    const parser = LOCKFILE_PARSERS[getBaseName(path)];
    const isRequirements = isRequirementsFile(path);
    const isManifest = getManifestEcosystem(path) !== null;
    if (!parser && !isManifest) {
      continue;
    }

    const text = readProjectText(project, path);
    if (isInputProblem(text)) {
      result.problems.push(text);
      continue;
    }

    if (isManifest) {
      const manifest = readManifest(path, text);
      if (!manifest) {
        result.problems.push({
          path,
          kind: 'syntax-error',
          reason: 'Invalid manifest: not a JSON object.',
        });
      } else if (manifest.hasDependencies) {
        result.manifests.push(manifest);
      }
    }

    try {
      let packages: LockedPackage[] = [];
      if (parser) {
        packages = parser(text, path);
        result.lockfiles.push(path);
      } else if (isRequirements) {
        const requirements = parseRequirements(path, readText);
        packages = requirements.packages;
        for (const missing of requirements.missingIncludes) {
          result.problems.push({
            path: missing,
            kind: 'unreadable',
            reason: `Included from ${path} but not readable.`,
          });
        }
      }
      addUnique(result.packages, packages, seen);
    } catch (error) {
      result.problems.push({
        path,
        kind: 'syntax-error',
        reason: `Invalid lockfile: ${getErrorMessage(error)}.`,
      });
    }
  }
  return result;
}

function addUnique(target: LockedPackage[], packages: LockedPackage[], seen: Set<string>): void {
  for (const locked of packages) {
    const key = `${locked.path}:${locked.line}:${locked.name}:${locked.version}`;
    if (!seen.has(key)) {
      seen.add(key);
      target.push(locked);
    }
  }
}

function compareByDepth(a: string, b: string): number {
  const depthDifference = a.split('/').length - b.split('/').length;
  return depthDifference !== 0 ? depthDifference : a.localeCompare(b);
}
