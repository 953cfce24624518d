// A loopback TCP proxy in front of the test PostgreSQL server: a test takes "the database" away
// (stop: open connections cut, new ones refused) and brings it back on the same port, without
// touching the run's shared server. `cutOn` drops a connection when the client sends given bytes
// (a COMMIT whose answer never comes), forwarding them first or not.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The upstream URL with host and port replaced by the proxy's. */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Cuts every open connection, keeps accepting new ones (a server restart, seen from the client). */
  cutAll(): void;
  /** The next client message containing `marker` cuts its connection; `forward`: the server gets it first. */
  cutOn(marker: string, forward: boolean): void;
}

export async function tcpProxy(upstreamUrl: string): Promise<TcpProxy> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let trap: { marker: string; forward: boolean } | undefined;

  const pair = (client: Socket) => {
    const target = connect(Number(upstream.port), upstream.hostname);
    sockets.add(client).add(target);
    const end = () => {
      client.destroy();
      target.destroy();
      sockets.delete(client);
      sockets.delete(target);
    };
    let muted = false;
    client.on('data', (data: Buffer) => {
      const armed = trap;
      if (armed && data.includes(armed.marker)) {
        trap = undefined;
        // Forwarded: the server acts on it, and the cut comes with its answer, which the client never gets.
        muted = true;
        if (armed.forward) target.write(data);
        else end();
        return;
      }
      target.write(data);
    });
    target.on('data', (data: Buffer) => (muted ? end() : client.write(data)));
    client.on('error', end).on('close', end);
    target.on('error', end).on('close', end);
  };

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(pair);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        const address = s.address();
        if (typeof address === 'object' && address) port = address.port;
        server = s;
        resolve();
      });
    });
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  await start();
  const url = new URL(upstreamUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.href,
    start,
    cutAll,
    cutOn: (marker, forward) => void (trap = { marker, forward }),
    stop: () =>
      new Promise<void>((resolve) => {
        cutAll();
        if (!server) return resolve();
        server.close(() => resolve());
        server = undefined;
      }),
  };
}
