/**
 * Joins a mount prefix and a path below it into one URL path with single slashes:
 * `/api` + `auth/login` gives `/api/auth/login`. Django regex anchors (`^`, `$`) are dropped.
 */
export function joinRoutePaths(prefix: string | null, rest: string): string {
  const parts = [prefix ?? '', rest]
    .map((part) => part.replace(/^\^/, '').replace(/\$$/, ''))
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment.length > 0);
  return `/${parts.join('/')}`;
}

/**
 * True when a mount `prefix` covers `path`: `/api` covers `/api` and `/api/login`, not
 * `/apis`. A null prefix covers every path, and so does a path that is not known.
 */
export function prefixCovers(prefix: string | null, path: string | null): boolean {
  if (prefix === null || path === null) {
    return true;
  }
  const prefixSegments = toSegments(prefix);
  const pathSegments = toSegments(path);
  if (prefixSegments.length > pathSegments.length) {
    return false;
  }
  return prefixSegments.every(
    (segment, index) => segment === '*' || isParameter(segment) || segment === pathSegments[index],
  );
}

/**
 * True when a Next.js `config.matcher` pattern selects `path`. Named parameters (`:path*`) and
 * regex groups match the rest of the path, so `/api/:path*` selects every path below `/api`.
 */
export function nextMatcherCovers(matcher: string, path: string): boolean {
  const literal = matcher.split(/[:(]/)[0]!.replace(/\/+$/, '');
  if (literal.length === 0) {
    return true;
  }
  return prefixCovers(literal, path);
}

function toSegments(path: string): string[] {
  return path
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .split('/')
    .filter((segment) => segment.length > 0);
}

function isParameter(segment: string): boolean {
  return /^[:{<[]/.test(segment);
}
