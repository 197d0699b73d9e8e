"""A Redis of one test module's own (tests/support/redis_server) on loopback."""
import subprocess
import time

from nadoo_server import REPO

REDIS_SERVER = str(REPO / "tests" / "support" / "redis_server")


class Redis:
    def __init__(self, folder):
        self.state = str(folder / "redis.state")
        self.command("start")
        with open(self.state) as state:
            fields = dict(line.strip().split("=", 1) for line in state if "=" in line)
        self.url, self.port, self.directory = fields["URL"], int(fields["PORT"]), fields["DIR"]

    def command(self, name):
        subprocess.run([REDIS_SERVER, name, self.state], check=True, capture_output=True, timeout=60)

    def cli(self, *arguments):
        return subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), *arguments], check=True,
                              capture_output=True, text=True, timeout=10).stdout

    def publish_calls(self):
        """How many PUBLISH commands Redis has served (INFO commandstats)."""
        for line in self.cli("INFO", "commandstats").splitlines():
            if line.startswith("cmdstat_publish:"):
                return int(line.split("calls=", 1)[1].split(",", 1)[0])
        return 0

    def subscribers(self, channel):
        """How many connections are subscribed to `channel` (PUBSUB NUMSUB)."""
        return int(self.cli("PUBSUB", "NUMSUB", channel).split()[1])

    def await_subscribers(self, channel, expected, timeout=10):
        """Polls (bounded) until `channel` has `expected` subscribers, and never more."""
        deadline = time.monotonic() + timeout
        while (count := self.subscribers(channel)) != expected:
            assert count < expected, f"{count} subscriptions to {channel}, not {expected}"
            assert time.monotonic() < deadline, f"{channel} has {count} subscribers, not {expected}"
            time.sleep(0.02)
