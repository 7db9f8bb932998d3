import '@nabla/backend-js';
import '@nabla/backend-native';
import { loadMnist, TensorDataset, DataLoader } from '@nabla/data';
const r = () => Math.round(process.memoryUsage().rss / 1048576);
console.log('start', r());
const { x, y } = loadMnist();
console.log('loaded', r());
const ds = new TensorDataset(x, y);
console.log('dataset', r());
const loader = new DataLoader(ds, { batchSize: 128, shuffle: true });
let n = 0; for await (const b of loader) { if (++n > 50) break; }
console.log('after 50 batches', r(), 'maxrss', Math.round(process.resourceUsage().maxRSS / 1024));
