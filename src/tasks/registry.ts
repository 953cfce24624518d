/**
 * The live set of tasks for a server: loaded from the tasks folder, reloaded when the folder
 * changes (debounced), with listeners told so the MCP layer can send `tools/list_changed`.
 */
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { logger } from '../log.js';
import { formatProblem, loadTaskFolder, type SecretCatalog, type Task, type TaskProblem } from './loader.js';

export class TaskRegistry {
  #tasks = new Map<string, Task>();
  #problems: TaskProblem[] = [];
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #listeners = new Set<() => void>();

  constructor(
    readonly folder: string,
    readonly catalog: SecretCatalog,
  ) {}

  get tasks(): Task[] {
    return [...this.#tasks.values()];
  }

  get problems(): TaskProblem[] {
    return this.#problems;
  }

  get(name: string): Task | undefined {
    return this.#tasks.get(name);
  }

  async reload(): Promise<void> {
    await this.catalog.refresh?.();
    const { tasks, problems } = loadTaskFolder(this.folder, this.catalog);
    const before = signature(this.tasks);
    this.#tasks = new Map(tasks.map((t) => [t.name, t]));
    this.#problems = problems;
    for (const p of problems) logger().warn({ file: p.file, line: p.line }, `task not loaded: ${formatProblem(p)}`);
    // A save that changes nothing (a touch, an editor rewriting the same text) is not announced:
    // every tools/list_changed makes the client fetch the list again.
    if (signature(this.tasks) === before) return;
    for (const l of this.#listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Watches the folder (created if missing, 0700) and reloads 150 ms after the last change. */
  watch(): void {
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    this.#watcher = watch(this.folder, (_event, filename) => {
      // Only task files matter (notes, editor swap files do not). Without a name (some platforms
      // give none) the event may be a task file, so it reloads: a reload that changes nothing is quiet.
      if (filename && !TASK_FILE.test(filename.toString())) return;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.reload().catch((err: unknown) => logger().error({ err: String(err) }, 'reloading tasks failed'));
      }, 150);
    });
    this.#watcher.unref();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
  }
}

const TASK_FILE = /\.ya?ml$/i;

/** What the agent sees of the task tools: names and definitions, in a stable order. */
function signature(tasks: Task[]): string {
  // inputShape is the zod form of `inputs` (already compared), and zod objects do not serialize.
  const plain = tasks.map(({ inputShape: _shape, ...rest }) => rest).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.stringify(plain);
}
