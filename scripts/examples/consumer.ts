// A TypeScript user's program over every package. The install test type-checks it in a fresh project
// against the packed packages, once with `moduleResolution: node16` and once with `bundler` (strict,
// skipLibCheck off): each import must find its declarations, and the packages' types must fit together
// (a DataLoader feeds train's fit, a layers model and an optimizers optimizer satisfy its interfaces).
// The node16 build is then run: two epochs of fit() from the tarballs.
import '@nabla/backend-js';
import { backendInfo, manualSeed, rand, type BackendInfo, type Tensor } from '@nabla/core';
import { NATIVE_PRIORITY } from '@nabla/backend-native';
import { DataLoader, TensorDataset } from '@nabla/data';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam } from '@nabla/optimizers';
import { fit, type History } from '@nabla/train';

manualSeed(0);
const x: Tensor = rand([64, 2], { low: -2, high: 2 });
const y: Tensor = x.square().sum(1).lt(1.5);
const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 16, shuffle: true });
const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
const optimizer = new Adam(model.parameters(), { lr: 0.05 });
const history: History = await fit(model, loader, { loss: new CrossEntropyLoss(), optimizer, epochs: 2, progress: false });
const info: BackendInfo = backendInfo();

const losses: number[] = history.series('loss');
console.log(`fit: ${losses.length} epochs on '${info.name}', loss ${losses.map((l) => l.toFixed(4)).join(' -> ')}`);

export const checked = { history, info, nativePriority: NATIVE_PRIORITY };
