// POST load shared by the REST generators (plugin_ingest.mjs,
// storage_workload.mjs): K keep-alive connections with one request in flight
// on each, and each request's duration.
//
// Why not node:http: its agent and parser cost about 90 µs of this core per
// request, so it saturates near 7,000 requests/s here, below what the server
// sustains (fetch() is worse: a whole core at about 1,400 requests/s). The
// requests here are HTTP/1.1 written by hand and the answers read just far
// enough to know their status and length: a fraction of that cost.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const answer_timeout_ms = 10000;

/** One keep-alive HTTP/1.1 connection; post() one request at a time. */
class KeepAliveConnection {
  constructor(host, port) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk) => this.on_data(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the server closed the connection')));
    this.buffered = Buffer.alloc(0);
    this.pending = null;
  }

  /** Resolves with the answer's status once its whole body has arrived. */
  post(path, head, payload) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`POST ${path}: no answer within 10 s`)), answer_timeout_ms);
      this.pending = { resolve, reject, timer };
      this.socket.write(`POST ${path} HTTP/1.1\r\n${head}Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
    });
  }

  on_data(chunk) {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const end_of_head = this.buffered.indexOf('\r\n\r\n');
    if (end_of_head < 0 || !this.pending) return;
    const head = this.buffered.subarray(0, end_of_head).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffered.length < end_of_head + 4 + length) return;
    this.buffered = this.buffered.subarray(end_of_head + 4 + length);
    const { resolve, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    resolve(Number(head.slice(9, 12)));
  }

  fail(error) {
    if (!this.pending) return;
    const { reject, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    reject(error);
  }

  close() {
    this.socket.destroy();
  }
}

/**
 * `in_flight` connections to host:port, each with one request at a time.
 * `headers` (an object) may hold secrets: no error message quotes them.
 */
export class PostLoad {
  constructor(host, port, in_flight, headers) {
    this.connections = Array.from({ length: in_flight }, () => new KeepAliveConnection(host, port));
    this.head = Object.entries({ Host: `${host}:${port}`, 'Content-Type': 'application/json', ...headers })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
  }

  /** POSTs `body` as JSON on `connection` (0 … in_flight − 1); resolves with its duration if the status is `expected_status`. */
  async post(connection, path, body, expected_status) {
    const started = performance.now();
    const status = await this.connections[connection].post(path, this.head, JSON.stringify(body));
    if (status !== expected_status) throw new Error(`POST ${path} answered HTTP ${status}`);
    return performance.now() - started;
  }

  /** `count` POSTs, `make_request(n)` giving each one's [path, body, expected status], one per connection at a time; their durations, sorted. */
  async run(count, make_request) {
    const durations = new Array(count);
    let next = 0;
    const worker = async (connection) => {
      while (next < count) {
        const n = next++;
        durations[n] = await this.post(connection, ...make_request(n));
      }
    };
    await Promise.all(this.connections.slice(0, Math.min(this.connections.length, count)).map((_, i) => worker(i)));
    return durations.sort((a, b) => a - b);
  }

  close() {
    for (const connection of this.connections) connection.close();
  }
}
