/**
 * The admin operations for CLI commands that change the vault (set, rm, rollback): the core's one
 * implementation (src/admin.ts), recorded on the audit trail under `cli:<user>` inside the vault's
 * write lock, before the change lands. The commands only parse, ask and print.
 */
import type { Command } from 'commander';
import { AdminCore, type Admin } from '../admin.js';
import type { AuditTrail } from '../audit/trail.js';
import { CountedAllowance } from '../policy/allowance.js';
import { SuspensionList } from '../policy/suspensions.js';
import type { OpenOptions, Vault } from '../vault/vault.js';
import { cliPrincipal, openAudit, openVault } from './context.js';

export async function openAdmin(cmd: Command, extra: Partial<OpenOptions> = {}): Promise<{ vault: Vault; admin: Admin; audit: AuditTrail }> {
  const vault = await openVault(cmd, extra);
  const audit = await openAudit(vault);
  process.once('beforeExit', () => audit.close());
  const { paths } = vault;
  const core = new AdminCore({
    vault,
    audit,
    suspensions: SuspensionList.in(vault.state),
    allowance: CountedAllowance.in(vault.state),
    // YAML parsing only when a removal asks which tasks name the secret.
    tasksUsing: async (name) => (await import('../tasks/loader.js')).loadTaskFolder(paths.tasks, vault).tasks.filter((t) => t.secrets.includes(name)),
  });
  return { vault, admin: core.as(cliPrincipal()), audit };
}
