import { register } from 'node:module';

register('./no-cli-hooks.mjs', import.meta.url);
