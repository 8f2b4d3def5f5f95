#!/usr/bin/env node
// The `hvelv` command. From a source checkout it runs the TypeScript in electron/cli
// through tsx (a dev dependency); an installed build runs the bundled out/main/cli.js.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../electron/cli/main.ts', import.meta.url);
const built = new URL('../out/main/cli.js', import.meta.url);

if (existsSync(fileURLToPath(source))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(built.href);
}
