/**
 * The fix for a refusal, as a command — for the admin only (issue 20 item 2). Messages an agent can
 * read say who decides and never how (an agent that learns `blindfold set NAME --host …` is taught
 * to widen its own access); the CLI adds the command to its own error output and to `audit`'s
 * table, from the refusal's code and the names on record.
 */
import { repeatable } from '../echo.js';

export interface HintFacts {
  code: string;
  /** The secrets concerned, as the error's details or the audit entry name them. */
  secrets?: readonly string[];
  env?: string;
  principal?: string;
}

export function adminHint({ code, secrets, env, principal }: HintFacts): string | undefined {
  const name = secrets?.length === 1 ? repeatable(secrets[0]!) : 'NAME';
  switch (code) {
    case 'HOST_NOT_ALLOWED':
      return `blindfold set ${name} --keep-value --host <host>   (bind the secret to that host, if it should go there)`;
    case 'PLACEMENT_NOT_ALLOWED':
      return `blindfold set ${name} --keep-value --placement <placements>`;
    case 'NO_VALUE_FOR_ENVIRONMENT':
      return `blindfold set ${name} --env ${env ? repeatable(env) : '<env>'}`;
    case 'ADDRESS_NOT_ALLOWED':
      return 'add the exact origin to a secret\'s hosts (e.g. http://127.0.0.1:8080), or serve --allow-origin <origin>';
    case 'PRINCIPAL_SUSPENDED':
    case 'REQUEST_REFUSED':
      return `blindfold audit --action request.attack, then blindfold suspended and blindfold clear ${principal ? repeatable(principal) : '<principal>'}`;
    default:
      return undefined;
  }
}
