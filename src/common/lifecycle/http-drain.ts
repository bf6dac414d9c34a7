import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';

interface ConnectionState {
  /** Requests received on the connection and not yet answered. */
  active: number;
  /** When the connection last became idle (accepted, or its last response sent). */
  idleSince: number;
}

/**
 * Shuts an HTTP server down without resetting a single request.
 *
 * `http.Server#close()` (and libraries built on the same idea) destroys idle keep-alive
 * connections at once. A client may have sent its next request on such a connection a moment
 * earlier; that request then gets a reset, and a client that sent a POST cannot know whether it
 * was applied. Instead, the drain:
 * - stops listening (new connections are refused: nothing was sent on them);
 * - answers every request that arrives on an open connection, and every request in flight,
 *   with `Connection: close`, so the client opens no further request on it and Node closes the
 *   connection after the response;
 * - closes a connection that sends nothing only once it has been idle for the server's
 *   keep-alive timeout, the moment it would close anyway and which it announces to clients
 *   (`Keep-Alive: timeout=5`), so a client that honours it never sends on a closing connection.
 */
export class HttpDrain {
  private readonly connections = new Map<Socket, ConnectionState>();
  private readonly unanswered = new Set<ServerResponse>();
  private draining = false;

  /** Attach before the server accepts its first connection. */
  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { active: 0, idleSince: Date.now() });
      socket.once('close', () => this.connections.delete(socket));
    });
    // Prepended: runs before the application sees the request.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) =>
      this.track(req, res),
    );
  }

  /** Stops accepting connections; resolves once every open connection is closed. */
  drain(): Promise<void> {
    this.draining = true;
    for (const res of this.unanswered) closeAfter(res);
    const closed = new Promise<void>((resolve) =>
      // net.Server#close only stops listening; http.Server#close would also cut idle connections.
      NetServer.prototype.close.call(this.server, () => resolve()),
    );
    const reaper = setInterval(() => this.closeIdleConnections(), 100);
    this.closeIdleConnections();
    return closed.finally(() => clearInterval(reaper));
  }

  private track(req: IncomingMessage, res: ServerResponse): void {
    const state = this.connections.get(req.socket);
    if (state) state.active++;
    if (this.draining) closeAfter(res);
    else this.unanswered.add(res);
    res.once('close', () => {
      this.unanswered.delete(res);
      if (!state) return;
      state.active--;
      state.idleSince = Date.now();
    });
  }

  private closeIdleConnections(): void {
    const idleLongEnough = Date.now() - this.server.keepAliveTimeout;
    for (const [socket, state] of this.connections) {
      if (state.active === 0 && state.idleSince <= idleLongEnough) socket.destroy();
    }
  }
}

function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}
