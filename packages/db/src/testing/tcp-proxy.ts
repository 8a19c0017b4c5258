// A TCP forwarder that integration tests put between a client and Postgres (or Redis) to make the server really
// unreachable and then reachable again: `pause()` resets every open connection and refuses new ones (ECONNREFUSED,
// exactly what a restarting server looks like to a client), `resume()` listens again on the same port.
// It is not a mock — bytes go to the real server — it only lets a test cut the wire without stopping a shared server.
import net from 'node:net';

export interface TcpProxy {
  /** Port the proxy listens on (127.0.0.1), stable across pause/resume. */
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** `url` with host and port replaced by the proxy's. */
  proxyUrl(url: string): string;
  /** Resets every open connection and stops listening. */
  pause(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  let listening = true;
  const pause = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    await closed;
  };
  return {
    port,
    get connections() {
      return accepted;
    },
    proxyUrl(url: string) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    pause,
    async resume() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    close: pause,
  };
}
