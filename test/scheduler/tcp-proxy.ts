// A TCP proxy in front of a real server (PostgreSQL on 127.0.0.1:5432) that a test or the soak
// cuts: every open connection reset, new ones reset at once or refused, or one connection reset
// when the client sends given bytes (a statement of a transaction in progress).
import net from 'node:net';

export interface TcpProxy {
	port: number;
	/** Connections accepted so far. */
	readonly accepted: number;
	/** Resets every open connection; until `restore`, new ones are reset on arrival ('reset') or refused ('refuse'). */
	cut(mode?: 'reset' | 'refuse'): Promise<void>;
	/** Resets every open connection once; new ones go through. */
	resetAll(): void;
	/** Resets the first connection whose client sends bytes containing `marker` (before they reach the server). */
	cutWhen(marker: string): Promise<void>;
	restore(): Promise<void>;
	close(): Promise<void>;
}

export async function tcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
	const pairs = new Set<{ client: net.Socket; server: net.Socket }>();
	let refusing: 'reset' | 'refuse' | null = null;
	let accepted = 0;
	const markers: Array<{ marker: Buffer; done: () => void }> = [];

	const kill = (pair: { client: net.Socket; server: net.Socket }) => {
		pairs.delete(pair);
		pair.client.resetAndDestroy();
		pair.server.resetAndDestroy();
	};

	const listener = net.createServer((client) => {
		accepted++;
		client.on('error', () => undefined);
		if (refusing) {
			client.resetAndDestroy();
			return;
		}
		const server = net.connect(target.port, target.host);
		server.on('error', () => undefined);
		const pair = { client, server };
		pairs.add(pair);
		client.on('data', (chunk: Buffer) => {
			const hit = markers.findIndex((m) => chunk.includes(m.marker));
			if (hit >= 0) {
				const [m] = markers.splice(hit, 1);
				kill(pair);
				m.done();
				return;
			}
			server.write(chunk);
		});
		server.on('data', (chunk: Buffer) => client.write(chunk));
		client.on('close', () => pairs.has(pair) && kill(pair));
		server.on('close', () => pairs.has(pair) && kill(pair));
	});
	const listen = (port: number) => new Promise<void>((resolve, reject) => {
		listener.once('error', reject);
		listener.listen(port, '127.0.0.1', () => {
			listener.off('error', reject);
			resolve();
		});
	});
	await listen(0);
	const port = (listener.address() as net.AddressInfo).port;
	const resetAll = () => {
		for (const pair of [...pairs]) kill(pair);
	};
	const stopListening = () => new Promise<void>((resolve) => listener.close(() => resolve()));

	return {
		port,
		get accepted() {
			return accepted;
		},
		async cut(mode = 'reset') {
			refusing = mode;
			if (mode === 'refuse') await Promise.all([stopListening(), Promise.resolve(resetAll())]);
			else resetAll();
		},
		resetAll,
		cutWhen: (marker) => new Promise<void>((done) => markers.push({ marker: Buffer.from(marker), done })),
		async restore() {
			if (refusing === 'refuse') await listen(port);
			refusing = null;
		},
		async close() {
			refusing = 'reset';
			resetAll();
			if (listener.listening) await stopListening();
		},
	};
}
