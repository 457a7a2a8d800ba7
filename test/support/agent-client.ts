import { io, Socket } from 'socket.io-client';

/** A Socket.IO client as an agent softphone UI (or a supervisor desk, namespace `/supervisors`) would run it, recording every server event. */
export class AgentClient {
  readonly events: { name: string; payload: any }[] = [];

  private constructor(readonly socket: Socket) {
    socket.onAny((name: string, payload: unknown) => this.events.push({ name, payload }));
  }

  /** Connects to `${url}${namespace}` with the JWT in the handshake; rejects with the server's connect_error. */
  static connect(url: string, token: string | undefined, namespace: '/agents' | '/supervisors' = '/agents'): Promise<AgentClient> {
    const socket = io(`${url}${namespace}`, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new AgentClient(socket)));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
  }

  /** Emits a command and resolves with its ack. */
  command<T = any>(name: string, payload: unknown): Promise<T> {
    return this.socket.timeout(5000).emitWithAck(name, payload);
  }

  received(name: string): any[] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload);
  }

  close(): void {
    this.socket.close();
  }
}
