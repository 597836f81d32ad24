#!/usr/bin/env node
import('../dist/src/cli/main.js').then((cli) => cli.run(process.argv.slice(2)));
