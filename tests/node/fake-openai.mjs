// The fake OpenAI-compatible upstream (tests/fake_openai) for Node tests.

import path from 'node:path';
import { DEFAULT_WAIT_MS, REPO_ROOT, SYSTEM_PYTHON, spawnUntilListening, withTimeout } from './nadoo-server.mjs';

const FAKE_OPENAI_SCRIPT = path.join(REPO_ROOT, 'tests/fake_openai/fake_openai_server.py');

const FAKE_LISTENING_LINE = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

/**
 * Starts tests/fake_openai/fake_openai_server.py on a free port of 127.0.0.1.
 * Its scenario is chosen per request by the application's `model`, e.g.
 * `normal:tokens=30:interval_ms=10` or `slow:tokens=1000:interval_ms=200`.
 */
export async function startFakeOpenAi() {
  const { child, match, exited, recentOutput } = await spawnUntilListening(
    SYSTEM_PYTHON,
    [FAKE_OPENAI_SCRIPT, '--host', '127.0.0.1', '--port', '0'],
    { env: process.env, pattern: FAKE_LISTENING_LINE, what: FAKE_OPENAI_SCRIPT },
  );
  return new FakeOpenAi(child, Number(match[1]), exited, recentOutput);
}

export class FakeOpenAi {
  constructor(child, port, exited, recentOutput) {
    this.child = child;
    this.port = port;
    this.exited = exited;
    this.recentOutput = recentOutput;
  }

  /** The `base_url` of an application that streams from this fake. */
  get baseUrl() {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Every chat request the fake has seen, in arrival order (GET /_control/requests). */
  async requests() {
    const response = await withTimeout(
      fetch(`http://127.0.0.1:${this.port}/_control/requests`),
      DEFAULT_WAIT_MS,
      'GET /_control/requests of the fake upstream',
    );
    if (!response.ok) throw new Error(`the fake's /_control/requests answered ${response.status}`);
    return (await response.json()).requests;
  }

  /**
   * Resolves with the first recorded request for which `predicate(record)`
   * holds, polling every 20 ms for `timeoutMs` at most: the fake reports its
   * side of a stream (client_disconnected, completed) only when asked.
   */
  async awaitRequest(predicate, what, timeoutMs = DEFAULT_WAIT_MS) {
    const until = Date.now() + timeoutMs;
    let seen = [];
    while (Date.now() < until) {
      seen = await this.requests();
      const found = seen.find(predicate);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the fake saw ${JSON.stringify(seen)}`);
  }

  /** Tear-down: SIGTERM, then SIGKILL if it lingers. */
  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    try {
      await withTimeout(this.exited, DEFAULT_WAIT_MS, `the fake upstream pid ${this.child.pid} to exit`);
    } catch {
      this.child.kill('SIGKILL');
      await withTimeout(this.exited, DEFAULT_WAIT_MS, `the fake upstream pid ${this.child.pid} to die after SIGKILL`);
    }
  }
}

