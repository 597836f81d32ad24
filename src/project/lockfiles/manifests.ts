import { isJsonObject } from '../json-with-lines.js';
import { getBaseName } from '../project-paths.js';
import { hasRequirements } from './requirements-txt.js';
import type { Ecosystem, Manifest } from './types.js';

const NPM_DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
];

/** True when a file name is a pip requirements file: `requirements.txt`, `requirements-dev.txt`. */
export function isRequirementsFile(relativePath: string): boolean {
  const baseName = getBaseName(relativePath);
  if (/^requirements.*\.txt$/i.test(baseName) || /^constraints.*\.txt$/i.test(baseName)) {
    return true;
  }
  return /(^|\/)requirements\/[^/]+\.txt$/i.test(relativePath);
}

/** Returns the ecosystem of a dependency manifest, or null when the path is not one. */
export function getManifestEcosystem(relativePath: string): Ecosystem | null {
  const baseName = getBaseName(relativePath);
  if (baseName === 'package.json') {
    return 'npm';
  }
  if (['pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile'].includes(baseName)) {
    return 'PyPI';
  }
  return isRequirementsFile(relativePath) ? 'PyPI' : null;
}

/**
 * Reads a manifest and decides whether it declares dependencies. A `pyproject.toml` that only
 * configures tools, or a `package.json` without dependency fields, has nothing to scan.
 * Returns null when the text cannot be read as that kind of manifest.
 */
export function readManifest(relativePath: string, text: string): Manifest | null {
  const ecosystem = getManifestEcosystem(relativePath);
  if (!ecosystem) {
    return null;
  }
  const baseName = getBaseName(relativePath);
  let hasDependencies: boolean;
  if (baseName === 'package.json') {
    const parsed = parsePackageJson(text);
    if (!parsed) {
      return null;
    }
    hasDependencies = NPM_DEPENDENCY_FIELDS.some(
      (field) => isJsonObject(parsed[field]) && Object.keys(parsed[field]).length > 0,
    );
  } else if (baseName === 'pyproject.toml') {
    hasDependencies =
      /^\s*dependencies\s*=\s*\[\s*["'#]/m.test(text) ||
      /^\s*\[(tool\.poetry(\.group\.[^\]]+)?\.(dev-)?dependencies|project\.optional-dependencies|dependency-groups)\]/m.test(
        text,
      );
  } else if (baseName === 'setup.py' || baseName === 'setup.cfg') {
    hasDependencies = /\binstall_requires\b/.test(text);
  } else if (baseName === 'Pipfile') {
    hasDependencies = /^\s*\[(dev-)?packages\]/m.test(text);
  } else {
    hasDependencies = hasRequirements(text);
  }
  return { path: relativePath, ecosystem, hasDependencies };
}

/** Parses a `package.json`; returns null when it is not a JSON object. */
export function parsePackageJson(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return isJsonObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
