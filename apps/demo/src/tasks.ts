// The tasks a child process can run (see child.ts).
import { serveWorker, type WorkerTask } from './child.js';
import { trainOne } from './train/worker.js';
import { endToEnd } from './bench/endToEnd.js';

const tasks: Record<string, WorkerTask> = {
  train: trainOne as WorkerTask,
  endToEnd: endToEnd as WorkerTask,
};

export function serveTask(task: string): Promise<void> {
  return serveWorker(task, tasks);
}
