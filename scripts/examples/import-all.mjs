// Imports every nabla package installed in this project and prints how many names each exports, so a
// tarball whose entry point is missing or imports a file it does not ship fails here.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const names = Object.keys(manifest.dependencies ?? {}).filter((name) => name.startsWith('@nabla/'));
for (const name of names) {
  const module = await import(name);
  console.log(`import ${name}: ${Object.keys(module).length} exports`);
}
