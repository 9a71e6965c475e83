// Bytes a process receives over its outgoing TCP connections, whoever opens them (node:http's agent, the
// SDK's fetch): every client socket is announced on the 'net.client.socket' diagnostics channel.
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

export class WireCounter {
  private readonly open = new Set<Socket>();
  private closedBytes = 0;

  constructor() {
    subscribe('net.client.socket', (message) => this.track((message as { socket: Socket }).socket));
  }

  /** Bytes received so far, on open and closed client sockets. */
  bytesIn(): number {
    let total = this.closedBytes;
    for (const socket of this.open) total += socket.bytesRead;
    return total;
  }

  private track(socket: Socket): void {
    this.open.add(socket);
    socket.once('close', () => {
      this.closedBytes += socket.bytesRead;
      this.open.delete(socket);
    });
  }
}
