"""A bare RFC 6455 client over a plain socket, for what a library client hides:
seeing the server's ping frames, and staying silent as a dead peer would."""
import base64
import os
import socket
import struct

OPCODE_TEXT, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG = 0x1, 0x8, 0x9, 0xA


class RawWebSocket:
    def __init__(self, host, port, path, timeout=10, frames_with_request=()):
        """`frames_with_request`: (opcode, payload) frames sent in the same
        write as the upgrade request, before the 101 could arrive."""
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
            + b"".join(self.frame_bytes(opcode, payload) for opcode, payload in frames_with_request)
        )
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._receive()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        self.status_line = head.split(b"\r\n", 1)[0].decode()

    def _receive(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the TCP connection")
        return chunk

    def _read_exactly(self, count):
        while len(self.buffer) < count:
            self.buffer += self._receive()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def read_frame(self):
        """→ (opcode, payload) of the next frame."""
        first, second = self._read_exactly(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._read_exactly(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read_exactly(8))[0]
        return first & 0x0F, self._read_exactly(length)

    @staticmethod
    def frame_bytes(opcode, payload=b"", final=True, masked=True, rsv1=False):
        """One client frame; `masked=False` or `rsv1=True` break the protocol on purpose."""
        first = (0x80 if final else 0) | (0x40 if rsv1 else 0) | opcode
        mask_bit = 0x80 if masked else 0
        if len(payload) < 126:
            header = bytes([first, mask_bit | len(payload)])
        elif len(payload) < 65536:
            header = bytes([first, mask_bit | 126]) + struct.pack("!H", len(payload))
        else:
            header = bytes([first, mask_bit | 127]) + struct.pack("!Q", len(payload))
        if not masked:
            return header + payload
        mask = os.urandom(4)
        return header + mask + bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))

    def send_frame(self, opcode, payload=b"", **options):
        self.sock.sendall(self.frame_bytes(opcode, payload, **options))

    def send_frames(self, frames):
        """Several (opcode, payload) frames in one write."""
        self.sock.sendall(b"".join(self.frame_bytes(opcode, payload) for opcode, payload in frames))

    def wait_for_eof(self):
        """Reads (and ignores) frames until the server closes the TCP connection."""
        try:
            while True:
                self._receive()
        except ConnectionError:
            return True

    def close(self):
        self.sock.close()
