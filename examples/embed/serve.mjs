// Serves this folder's index.html on http://localhost:8080 (PORT), pointing it at EDGELAB_SERVER
// (default http://localhost:3000). Start the EdgeLab server with EDGELAB_CORS_ORIGINS=http://localhost:8080.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const edgelab = (process.env.EDGELAB_SERVER ?? 'http://localhost:3000').replace(/\/$/, '');
const page = readFileSync(new URL('./index.html', import.meta.url), 'utf8').replaceAll('http://localhost:3000', edgelab);

createServer((req, res) => {
  if (req.url === '/' || req.url === '/index.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  } else {
    res.writeHead(404).end();
  }
}).listen(port, 'localhost', () => console.log(`course page on http://localhost:${port} (EdgeLab server ${edgelab})`));
