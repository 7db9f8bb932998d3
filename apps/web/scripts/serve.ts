// A small static file server for dist/ (localhost only). `pnpm web` builds and runs it; the page test starts
// it on a free port.
// Run: pnpm --filter @nabla/web start   (PORT=8080 by default; PORT=0 picks a free one)

import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.idx': 'application/octet-stream',
};

export interface StaticServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `root` on 127.0.0.1:`port` (0: a free port); resolves once listening. */
export function serve(root: string = DIST, port = 0): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
    let size = -1;
    try {
      if (file.startsWith(root + sep) && req.method === 'GET') {
        const stat = statSync(file);
        if (stat.isFile()) size = stat.size;
      }
    } catch {
      // not found below
    }
    if (size < 0) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        server,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    statSync(join(DIST, 'index.html'));
  } catch {
    console.error(`${DIST} has no build: run \`pnpm --filter @nabla/web build\` (or \`pnpm web\`) first`);
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 8080);
  const { url } = await serve(DIST, port).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    console.log(`port ${port} is in use; serving on a free port instead`);
    return serve(DIST, 0);
  });
  console.log(`nabla in the browser: open ${url}  (Ctrl-C stops the server)`);
}
