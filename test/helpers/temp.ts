import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Creates a temporary folder with the given files (path → content) and returns its path. */
export function makeProject(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'soc2lint-test-'));
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return root;
}
