import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { waitFor } from '@callplane/testing';
import type { AsteriskSim } from '@callplane/pbx-sim';

/** A raw ARI + AMI client for the simulator's own specs (no client library in between). */
export class SimTestClient {
  readonly events: Array<Record<string, unknown> & { type: string }> = [];
  readonly ami: string[] = [];
  /** Every ARI WebSocket text frame as received (including unparsable ones). */
  readonly rawAri: string[] = [];
  private ws?: WebSocket;
  private amiSocket?: Socket;
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly sim: AsteriskSim) {}

  async open(): Promise<this> {
    const c = this.sim.connection;
    this.ws = new WebSocket(`${c.ariUrl.replace('http', 'ws')}/ari/events?app=${c.app}&api_key=${c.ariUsername}:${c.ariPassword}`);
    this.ws.on('message', (d) => {
      const text = String(d);
      this.rawAri.push(text);
      try {
        this.events.push(JSON.parse(text));
        for (const l of this.listeners) l();
      } catch (err) {
        // Injected malformed frames are kept in rawAri only.
        if (!(err instanceof SyntaxError)) throw err;
      }
    });
    await new Promise((resolve, reject) => this.ws!.once('open', resolve).once('error', reject));
    this.amiSocket = connect(c.amiPort, c.amiHost);
    let buf = '';
    this.amiSocket.on('data', (d) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\r\n\r\n')) >= 0) {
        this.ami.push(buf.slice(0, i + 4));
        buf = buf.slice(i + 4);
      }
    });
    this.amiSocket.write(`Action: Login\r\nUsername: ${c.amiUsername}\r\nSecret: ${c.amiSecret}\r\n\r\n`);
    await waitFor(() => this.ami.some((f) => f.startsWith('Event: FullyBooted')), 'FullyBooted');
    return this;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw ARI JSON under test
  async rest(method: string, path: string, query: Record<string, string | number> = {}, body?: unknown): Promise<{ status: number; body: any }> {
    const c = this.sim.connection;
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const res = await fetch(`${c.ariUrl}/ari${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers: { Authorization: `Basic ${Buffer.from(`${c.ariUsername}:${c.ariPassword}`).toString('base64')}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Called synchronously after each parsed ARI event is appended to {@link events}. */
  onMessage(listener: () => void): void {
    this.listeners.push(listener);
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  amiEvents(name: string): string[] {
    return this.ami.filter((f) => f.startsWith(`Event: ${name}\r\n`));
  }

  async waitEvent(type: string, pred: (e: Record<string, any>) => boolean = () => true): Promise<Record<string, any>> {
    return waitFor(() => this.events.find((e) => e.type === type && pred(e)), `ARI ${type}`, 5000);
  }

  close(): void {
    this.ws?.close();
    this.amiSocket?.destroy();
  }
}
