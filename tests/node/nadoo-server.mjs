// Test helper: runs the nadoo-realtime binary on a free port of 127.0.0.1,
// mints HS256 access tokens with node:crypto (independently of the server's
// own signer), wraps `ws` clients so a test can await their messages and
// their close event with a deadline, and runs the fake OpenAI-compatible
// upstream (tests/fake_openai) for chat tests.

import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root: relative paths the server reads (demo/…) resolve against it. */
export const REPO_ROOT = path.resolve(here, '../..');
/** The demo data: application `app-uuid-123` (builtin provider) over demo/q4-report.md. */
export const DEMO_SEED_FILE = path.join(REPO_ROOT, 'demo/seed.json');
export const DEMO_APPLICATION_ID = 'app-uuid-123';
// Debian's interpreter: the `python3` first on PATH may be another one.
export const SYSTEM_PYTHON = '/usr/bin/python3';

export const BINARY = process.env.NADOO_BINARY
  ? path.resolve(process.env.NADOO_BINARY)
  : path.resolve(here, '../../build/nadoo-realtime');

/** A sanitizer build (tests/CMakeLists.txt): its memory figures are the sanitizer's, not ours. */
export const SANITIZED = process.env.NADOO_SANITIZED === '1';
export const JWT_SECRET = 'node-e2e-secret-' + randomBytes(8).toString('hex');
export const API_KEY = 'nai-node-e2e-' + randomBytes(8).toString('hex');

// Every wait in these tests is bounded; a server that never answers fails the
// test with a message instead of hanging the suite.
export const DEFAULT_WAIT_MS = 5000;
const STARTUP_WAIT_MS = 10000;
const LISTENING_LINE = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

/** Rejects with `what` after `ms`, unless `promise` settles first. */
export function withTimeout(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- tokens

const b64url = (buffer) => Buffer.from(buffer).toString('base64url');
const b64urlJson = (value) => b64url(JSON.stringify(value));

/**
 * A compact JWS. `alg` 'HS256' signs with `secret`; 'none' leaves the
 * signature empty (an attack the server must refuse).
 */
export function signJwt(payload, { secret = JWT_SECRET, alg = 'HS256' } = {}) {
  const signingInput = `${b64urlJson({ alg, typ: 'JWT' })}.${b64urlJson(payload)}`;
  if (alg === 'none') return `${signingInput}.`;
  if (alg !== 'HS256') throw new Error(`test helper signs HS256 or none, not ${alg}`);
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A valid access token for `sub`, unless options say otherwise. */
export function accessToken(sub, { expiresInSeconds = 3600, claims = {}, ...signOptions } = {}) {
  return signJwt(
    { sub, iat: nowSeconds(), exp: nowSeconds() + expiresInSeconds, type: 'access', ...claims },
    signOptions,
  );
}

// ---------------------------------------------------------------- server

/**
 * Spawns `command` and resolves once a line of its stdout matches `pattern`
 * (STARTUP_WAIT_MS at most), with the match. Both pipes are read for the
 * life of the process, the last 50 lines kept for failure messages.
 */
export async function spawnUntilListening(command, args, { env, cwd, pattern, what }) {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });

  // Keep the last lines for failure messages, and keep reading both pipes so
  // a chatty process never blocks on a full pipe.
  const recentOutput = [];
  const remember = (line) => {
    recentOutput.push(line);
    if (recentOutput.length > 50) recentOutput.shift();
  };
  child.stderr.setEncoding('utf8');
  createInterface({ input: child.stderr }).on('line', remember);
  const stdoutLines = createInterface({ input: child.stdout });

  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });

  const listening = withTimeout(
    new Promise((resolve, reject) => {
      stdoutLines.on('line', (line) => {
        remember(line);
        const match = pattern.exec(line);
        if (match) resolve(match);
      });
      child.on('error', reject);
      exited.then(({ code, signal }) =>
        reject(new Error(`${what} exited (code ${code}, signal ${signal}) before listening:\n${recentOutput.join('\n')}`)),
      );
    }),
    STARTUP_WAIT_MS,
    `the listening line of ${what}`,
  );
  try {
    return { child, match: await listening, exited, recentOutput };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/**
 * `--store URI` of a fresh database of its own when the suite runs on
 * PostgreSQL (NADOO_E2E_STORE=postgres, set by tests/CMakeLists.txt, with
 * the test cluster's state file in NADOO_TEST_POSTGRES_STATE); none on SQLite.
 */
function storeArguments(dataDir) {
  if (process.env.NADOO_E2E_STORE !== 'postgres') return [];
  const state = readFileSync(process.env.NADOO_TEST_POSTGRES_STATE, 'utf8');
  const serverUri = /^URI=(.*)$/m.exec(state)?.[1];
  if (!serverUri) throw new Error('no URI= line in the PostgreSQL state file: did the postgres fixture start?');
  const name = 'node_e2e_' + path.basename(dataDir).replace(/[^A-Za-z0-9]/g, '_').toLowerCase();
  execFileSync('psql', [serverUri, '-qc', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
  return ['--store', serverUri.slice(0, serverUri.lastIndexOf('/') + 1) + name];
}

/**
 * Starts the server with `args` added to `serve --port 0 --data-dir <tmp>`,
 * `env` added to the environment (which already holds JWT_SECRET and
 * NADOO_API_KEYS), in the working directory `cwd` (default: this process's).
 * Resolves once it printed its listening line.
 */
export async function startServer({ args = [], env = {}, cwd } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'nadoo-node-e2e-'));
  let started;
  try {
    const serve = ['serve', '--port', '0', '--data-dir', dataDir, ...storeArguments(dataDir), ...args];
    started = await spawnUntilListening(BINARY, serve, {
      env: { ...process.env, JWT_SECRET, NADOO_API_KEYS: API_KEY, ...env },
      cwd,
      pattern: LISTENING_LINE,
      what: BINARY,
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { child, match, exited, recentOutput } = started;
  return new NadooServer(child, Number(match[1]), dataDir, exited, recentOutput);
}

export class NadooServer {
  constructor(child, port, dataDir, exited, recentOutput) {
    this.child = child;
    this.pid = child.pid;
    this.port = port;
    this.dataDir = dataDir;
    this.exited = exited;
    this.recentOutput = recentOutput;
    this.clients = new Set();
  }

  wsUrl(pathAndQuery) {
    return `ws://127.0.0.1:${this.port}${pathAndQuery}`;
  }

  /** Opens a WebSocket; see TestClient. The client is closed by `stop`. */
  connect(pathAndQuery, options = {}) {
    const client = new TestClient(this.wsUrl(pathAndQuery), options);
    this.clients.add(client);
    client.closed.then(() => this.clients.delete(client));
    return client;
  }

  async http(pathAndQuery, { headers = {} } = {}) {
    const response = await withTimeout(
      fetch(`http://127.0.0.1:${this.port}${pathAndQuery}`, { headers }),
      DEFAULT_WAIT_MS,
      `GET ${pathAndQuery}`,
    );
    return { status: response.status, body: await response.text() };
  }

  /**
   * A REST call with the API key and, when given, a JSON body. Resolves with
   * `{status, body, json}` (`json` null when the body is not JSON).
   */
  async apiRequest(method, pathAndQuery, jsonBody) {
    const headers = { 'X-API-Key': API_KEY };
    if (jsonBody !== undefined) headers['Content-Type'] = 'application/json';
    const response = await withTimeout(
      fetch(`http://127.0.0.1:${this.port}${pathAndQuery}`, {
        method,
        headers,
        body: jsonBody === undefined ? undefined : JSON.stringify(jsonBody),
      }),
      DEFAULT_WAIT_MS,
      `${method} ${pathAndQuery}`,
    );
    const body = await response.text();
    let json = null;
    try {
      json = JSON.parse(body);
    } catch {
      // not JSON: the caller sees `body`
    }
    return { status: response.status, body, json };
  }

  /**
   * Creates or replaces application `id` (`PUT /api/v1/applications/{id}`)
   * and resolves with the envelope's `data`; any answer but a 200 success
   * envelope throws.
   */
  async putApplication(id, fields) {
    const { status, body, json } = await this.apiRequest('PUT', `/api/v1/applications/${id}`, fields);
    if (status !== 200 || json?.status !== 'success') {
      throw new Error(`PUT /api/v1/applications/${id} answered ${status}: ${body}`);
    }
    return json.data;
  }

  async stats() {
    const { status, body } = await this.http('/ws/stats', { headers: { 'X-API-Key': API_KEY } });
    if (status !== 200) throw new Error(`GET /ws/stats answered ${status}: ${body}`);
    return JSON.parse(body);
  }

  /**
   * Makes sure plugin execution `executionId` exists: the plugin debug socket
   * admits only executions created by `POST /api/v1/plugins/executions`. An
   * existing one (409) is kept.
   */
  async createPluginExecution(executionId) {
    const response = await withTimeout(
      fetch(`http://127.0.0.1:${this.port}/api/v1/plugins/executions`, {
        method: 'POST',
        headers: { 'X-API-Key': API_KEY, 'Content-Type': 'application/json' },
        body: JSON.stringify({ plugin_id: 'plugin-e2e', tool_name: 'tool-e2e', execution_id: executionId }),
      }),
      DEFAULT_WAIT_MS,
      `creating plugin execution ${executionId}`,
    );
    const body = await response.text();
    if (response.status !== 201 && response.status !== 409) {
      throw new Error(`creating plugin execution ${executionId} answered ${response.status}: ${body}`);
    }
  }

  /**
   * Makes `userId` a member of workspace `workspaceId`, which the contract
   * requires before a workspace socket is accepted (201 added, 200 already).
   */
  async addWorkspaceMember(workspaceId, userId) {
    const response = await withTimeout(
      fetch(`http://127.0.0.1:${this.port}/api/v1/workspaces/${workspaceId}/members/${userId}`, {
        method: 'PUT',
        headers: { 'X-API-Key': API_KEY },
      }),
      DEFAULT_WAIT_MS,
      `adding ${userId} to workspace ${workspaceId}`,
    );
    const body = await response.text();
    if (!response.ok) {
      throw new Error(`adding ${userId} to workspace ${workspaceId} answered ${response.status}: ${body}`);
    }
  }

  /** The value of one un-labelled Prometheus sample from /metrics. */
  async metric(name) {
    const { body } = await this.http('/metrics');
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(body);
    if (!match) throw new Error(`metric ${name} not in /metrics:\n${body}`);
    return Number(match[1]);
  }

  /** Resident set size of the server process in bytes (Linux). */
  rssBytes() {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (!match) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Number(match[1]) * 1024;
  }

  /** Sends SIGTERM and resolves with the exit `{code, signal}`. */
  async terminate(waitMs = 15000) {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return withTimeout(this.exited, waitMs, `server pid ${this.pid} to exit after SIGTERM`);
  }

  /** Tear-down: ends clients and the process (SIGKILL if SIGTERM is ignored), removes the data dir. */
  async stop() {
    for (const client of this.clients) client.ws.terminate();
    try {
      await this.terminate();
    } catch {
      this.child.kill('SIGKILL');
      await withTimeout(this.exited, DEFAULT_WAIT_MS, `server pid ${this.pid} to die after SIGKILL`);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- clients

/**
 * A `ws` client whose messages queue up from the first frame on, so a test
 * can `await client.next()` without racing the server's first message.
 */
export class TestClient {
  constructor(url, options = {}) {
    this.ws = new WebSocket(url, options);
    this.received = [];
    this.waiters = [];
    this.ws.on('message', (data, isBinary) => {
      const message = { data, isBinary, text: isBinary ? null : data.toString('utf8') };
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.received.push(message);
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`upgrade refused with HTTP ${res.statusCode}`), { statusCode: res.statusCode })),
      );
    });
    this.opened.catch(() => {}); // observed through `closed` when unused
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
    // A socket error also ends in 'close'; keep it from being unhandled.
    this.ws.on('error', () => {});
  }

  /** The next message, raw: `{data, isBinary, text}`. */
  next(timeoutMs = DEFAULT_WAIT_MS) {
    if (this.received.length > 0) return Promise.resolve(this.received.shift());
    let waiter;
    const promise = new Promise((resolve) => {
      waiter = resolve;
      this.waiters.push(resolve);
    });
    return withTimeout(promise, timeoutMs, `a message on ${this.ws.url}`).catch((error) => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      throw error;
    });
  }

  /** The next message, which must be a JSON text frame. */
  async nextJson(timeoutMs = DEFAULT_WAIT_MS) {
    const message = await this.next(timeoutMs);
    if (message.isBinary) throw new Error(`expected a text frame on ${this.ws.url}, got binary`);
    return JSON.parse(message.text);
  }

  sendJson(value) {
    this.ws.send(JSON.stringify(value));
  }

  /** Resolves with `{code, reason}` of the close event. */
  closeEvent(timeoutMs = DEFAULT_WAIT_MS) {
    return withTimeout(this.closed, timeoutMs, `the close event of ${this.ws.url}`);
  }

  /** Closes with 1000 and waits for the close handshake to finish. */
  async close(timeoutMs = DEFAULT_WAIT_MS) {
    this.ws.close(1000);
    return this.closeEvent(timeoutMs);
  }
}

export const ISO_UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
