/**
 * Looking a secret up by a name typed on the command line. The name is checked against the rule
 * first, so a value typed in its place (`show API_KEY=sk-live-…`) is never repeated in "no secret
 * named …"; a well-formed name that is missing gets the close names, as agents get them over MCP.
 */
import { BlindfoldError } from '../errors.js';
import { closestNames } from '../template/suggest.js';
import { assertSecretName } from '../vault/names.js';
import { repeatable } from '../echo.js';

interface NameCatalog {
  has(name: string): boolean;
  names(): string[];
}

export function requireSecret(vault: NameCatalog, name: string): void {
  assertSecretName(name);
  if (vault.has(name)) return;
  const close = closestNames(name, vault.names());
  throw new BlindfoldError(
    'SECRET_NOT_FOUND',
    `no secret named ${repeatable(name)}${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}; \`blindfold list\` shows them`,
    { name: repeatable(name), suggestions: close },
  );
}
