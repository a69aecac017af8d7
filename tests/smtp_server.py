"""A tiny real SMTP server for tests (stdlib sockets, a thread per connection), and a black hole.

``SMTPServer`` speaks enough SMTP for ``smtplib`` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT) and keeps every message it accepted. ``stop()`` closes the port (the mail server is
down: connections are refused) and ``start()`` opens the same port again. ``BlackHole`` accepts
connections and never answers, so a client waits for its timeout.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage


class SMTPServer:
    def __init__(self, port: int = 0):
        self.port = port
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None

    # The server ---------------------------------------------------------------------------

    def start(self) -> SMTPServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(32)
        self.port = sock.getsockname()[1]
        self._sock = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._sock is not None:
            # Wakes the thread blocked in accept(); close() alone would not on Linux.
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()
            self._sock = None

    @property
    def config(self) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_STARTTLS": False}

    def _accept(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _addr = sock.accept()
            except OSError:
                return  # closed by stop()
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as reader:
            conn.settimeout(10)

            def say(line: str) -> None:
                conn.sendall(line.encode() + b"\r\n")

            say("220 test ESMTP")
            while True:
                line = reader.readline()
                if not line:
                    return
                verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
                if verb == "EHLO":
                    conn.sendall(b"250-test\r\n250 8BITMIME\r\n")
                elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                    say("250 OK")
                elif verb == "DATA":
                    say("354 go ahead")
                    data = []
                    while (chunk := reader.readline()) not in (b".\r\n", b".\n", b""):
                        data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                    message = message_from_bytes(b"".join(data), policy=policy.default)
                    with self._lock:
                        self.messages.append(message)
                    say("250 queued")
                elif verb == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("502 not implemented")

    # Reading what arrived -----------------------------------------------------------------

    def subjects(self) -> list[str]:
        with self._lock:
            return [str(m["Subject"]) for m in self.messages]

    def bodies_to(self, address: str) -> list[str]:
        with self._lock:
            return [
                m.get_body(("plain",)).get_content() for m in self.messages if m["To"] == address
            ]

    def attachments_to(self, address: str) -> list[tuple[str, str, str]]:
        """(file name, content type, text) of every attachment sent to ``address``."""
        with self._lock:
            return [
                (part.get_filename(), part.get_content_type(), part.get_content())
                for m in self.messages
                if m["To"] == address
                for part in m.iter_attachments()
            ]


class BlackHole:
    """Accepts TCP connections and never says a word."""

    def __init__(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(32)
        self.port = self._sock.getsockname()[1]

    @property
    def config(self) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_STARTTLS": False}

    def close(self) -> None:
        self._sock.close()
