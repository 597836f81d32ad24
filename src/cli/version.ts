import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Version of the installed package, from its package.json. */
export const TOOL_VERSION: string = (require('../../../package.json') as { version: string }).version;
