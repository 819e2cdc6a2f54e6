// The baseline of the proxy ranges: a plain node:http server streaming the same proxy files with
// fs.createReadStream, in its own process as the hub is, so both sides leave this bench's CPU to autocannon.
//
//   node bin/run-ts.js bench/console/static-server.ts MAP.json   (MAP: {"<assetId>": "/path/to/proxy.mp4"})
// Prints the port on stdout once listening.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const files = new Map(
  Object.entries(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, string>).map(([id, path]) => [
    id,
    { path, size: statSync(path).size },
  ]),
);

const server = createServer((req, res) => {
  const file = files.get((req.url ?? '').slice(1));
  if (!file) return res.writeHead(404).end();
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const end = range && range[2] ? Math.min(Number(range[2]), file.size - 1) : file.size - 1;
  res.writeHead(range ? 206 : 200, {
    'content-type': 'video/mp4',
    'content-length': end - start + 1,
    'accept-ranges': 'bytes',
    ...(range ? { 'content-range': `bytes ${start}-${end}/${file.size}` } : {}),
  });
  createReadStream(file.path, { start, end }).pipe(res);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(String((server.address() as AddressInfo).port)));
