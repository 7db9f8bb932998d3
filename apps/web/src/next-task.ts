// One macrotask turn (a MessageChannel, not setTimeout, which browsers clamp to 4 ms): the page repaints and
// handles input there, and the collector's finalizers run, which give the wasm backend its dropped blocks back.

const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
