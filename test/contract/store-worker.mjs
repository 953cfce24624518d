// A second process on a FileStore (the contract suite's "another machine's process"): built code,
// so it runs as the product does. Arguments: <path> <audit-file> <command> <key> <times> [compact-after-bytes].
//   bump <key> <times>   bumps counts[key] `times` times, each a separate change, claiming its
//                        revision in the audit file before it commits (beforeCommit)
// With BLINDFOLD_FAULT set, the store kills this process at that point of that write.
import { appendFileSync } from 'node:fs';
import { FileStore } from '../../dist/store/file.js';

const [path, auditFile, command, key, times, compactAfter] = process.argv.slice(2);
const compaction = compactAfter ? { compactAfterBytes: Number(compactAfter) } : {};
const store = new FileStore(path, { collections: ['counts'], checkDocument: (raw) => raw, ...compaction });
store.onAbandoned(async (revision) => appendFileSync(auditFile, `abort ${revision}\n`));
if (command === 'bump') {
  for (let i = 0; i < Number(times); i++) {
    await store.update((current) => {
      const next = current ?? { revision: 0, counts: {} };
      next.counts[key] = (next.counts[key] ?? 0) + 1;
      return { next, result: undefined, beforeCommit: async (revision) => appendFileSync(auditFile, `claim ${revision} ${key}\n`) };
    });
  }
}
await store.close();
