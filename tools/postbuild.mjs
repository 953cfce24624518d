// The CLI entry must be executable for `npm link` / `npx blindfold` / the tests that spawn it.
import { chmodSync, existsSync } from 'node:fs';
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(entry)) chmodSync(entry, 0o755);
