import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/**
 * Free ports for one live run: at random above the kernel's ephemeral range (where no outgoing
 * connection — callplane's own ESL/AMI/ARI clients included — can take a port between our check and
 * the listen; Linux default 32768–60999, `net.ipv4.ip_local_port_range`) and above both PBXes' RTP
 * ranges (Asterisk 10000–20000, FreeSWITCH 16384–32768); checked free on TCP and UDP, so two runs on
 * one machine do not collide. `count` consecutive ports starting at an even number.
 */
export async function freePortBlock(count: number): Promise<number> {
  const low = Math.max(ephemeralHigh() + 1, 32769);
  const high = 65535 - count;
  if (high - low < 64) throw new Error(`no room for live-test ports above the ephemeral range (${low}-${high}); lower net.ipv4.ip_local_port_range`);
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = low + (low % 2) + 2 * Math.floor((Math.random() * (high - low)) / 2);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = (await tcpFree(p)) && (await udpFree(p));
    if (ok) return base;
  }
  throw new Error(`no block of ${count} free ports found in ${low}-${high}`);
}

/** Upper end of the kernel's ephemeral port range (60999 when it cannot be read). */
function ephemeralHigh(): number {
  try {
    const [, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(hi) ? hi : 60999;
  } catch {
    return 60999; // not Linux, or /proc unreadable: assume the Linux default
  }
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
