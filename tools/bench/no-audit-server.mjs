// For B1's before/after: the same Blindfold server (built dist/) with the audit trail left out,
// so the difference between this and `blindfold serve` is what the audit costs per call.
// A measuring instrument only: the product has no switch that turns the audit off.
import { resolvePaths } from '../../dist/config.js';
import { Broker } from '../../dist/broker.js';
import { serveStdio } from '../../dist/mcp/stdio.js';
import { Blindfold } from '../../dist/open.js';
import { Vault } from '../../dist/vault/vault.js';

const vault = await Vault.open({ paths: resolvePaths(), notice: () => {} });
const broker = new Broker({ vault });
await serveStdio(new Blindfold({ broker, release: () => broker.close() }, { id: 'bench-no-audit', env: 'development' }));
await broker.close();
