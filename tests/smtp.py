"""Real mail servers on 127.0.0.1 for the tests: one that speaks enough SMTP to accept or
refuse messages, and one that accepts connections and never says a word."""

import email
import email.policy
import socket
import socketserver
import threading


class _SmtpHandler(socketserver.StreamRequestHandler):
    timeout = 10

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        server: SmtpServer = self.server
        server.connections += 1
        self.reply("220 test.local ESMTP")
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 test.local")
            elif command.startswith(("MAIL FROM", "RCPT TO", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if server.failing:
                    self.reply("451 4.3.0 Mailbox temporarily unavailable, try again later")
                else:
                    message = email.message_from_bytes(data, policy=email.policy.default)
                    server.messages.append(message)
                    self.reply("250 OK: queued")
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class SmtpServer(socketserver.ThreadingTCPServer):
    """Accepts every message (``messages``), or answers 451 to each while ``failing``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.port = self.server_address[1]
        self.connections = 0
        self.messages: list[email.message.EmailMessage] = []
        self.failing = False
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class HungServer:
    """Accepts TCP connections and never answers; ``connections`` counts them."""

    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self.port = self._socket.getsockname()[1]
        self.connections = 0
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _address = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            self._open.append(connection)  # held open, silent

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        for connection in self._open:
            connection.close()
        self._socket.close()


def smtp_mailers(port: int, *, timeout: float = 5) -> dict:
    """MAILERS for Django's SMTP backend talking to 127.0.0.1:port without TLS."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": timeout},
        }
    }
