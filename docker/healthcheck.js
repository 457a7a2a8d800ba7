// Docker HEALTHCHECK for callplane: exit 0 when GET /health answers 200 within 4 s, else 1.
// Runs outside the application (a separate process), so it reads HTTP_PORT itself.
'use strict';
const http = require('node:http');

const port = Number(process.env.HTTP_PORT) || 3000;
const req = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 4000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => {
  req.destroy();
  process.exit(1);
});
req.on('error', () => process.exit(1));
