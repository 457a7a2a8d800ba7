import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/**
 * Free ports for one live run. Chosen at random in 40000–59999 (above both PBXes' RTP ranges:
 * Asterisk 10000–20000, FreeSWITCH 16384–32768) and checked free on TCP and UDP, so two runs on
 * one machine do not collide. `count` consecutive ports starting at an even number.
 */
export async function freePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 40000 + 2 * Math.floor(Math.random() * 9990);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = (await tcpFree(p)) && (await udpFree(p));
    if (ok) return base;
  }
  throw new Error(`no block of ${count} free ports found in 40000-59999`);
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
