"""A TCP proxy between one process and the broker (or a database) that a test
can cut, freeze or slow down, so that process alone sees the fault while the
rest of the suite keeps the real server."""

import collections
import socket
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Link:
    """One proxied connection: two sockets and a pump each way.  Each pump has a
    reader (which timestamps what arrives) and a writer (which sends it once
    ``latency`` has passed and the proxy is not frozen), so latency delays the
    bytes without throttling the stream."""

    def __init__(self, proxy, client, server):
        self.proxy, self.sockets = proxy, (client, server)
        for source, target in ((client, server), (server, client)):
            chunks = collections.deque()
            ready = threading.Condition()
            threading.Thread(target=self._read, args=(source, chunks, ready), daemon=True).start()
            threading.Thread(target=self._write, args=(target, chunks, ready), daemon=True).start()

    def _read(self, source, chunks, ready):
        try:
            while True:
                data = source.recv(65536)
                with ready:
                    chunks.append((time.monotonic() + self.proxy.latency, data))
                    ready.notify()
                if not data:
                    return
        except OSError:
            with ready:
                chunks.append((0.0, b""))
                ready.notify()

    def _write(self, target, chunks, ready):
        try:
            while True:
                with ready:
                    while not chunks:
                        ready.wait()
                    due, data = chunks[0]
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                self.proxy.flowing.wait()  # frozen: hold the bytes, keep the sockets open
                with ready:
                    chunks.popleft()
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            self.close()

    def close(self):
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                sock.close()
            except OSError:
                pass


class SeverableProxy:
    """A TCP proxy to RabbitMQ (by default) that a test can cut and restore, to
    make the broker unreachable for one process only.

    - ``cut()``: refuse new connections and close the open ones (the process
      sees its connection end at once); ``restore()`` listens again.
    - ``freeze()``: keep every connection open but pass no byte (a silent
      network partition: only heartbeats can tell); ``thaw()`` lets the held
      bytes through.
    - ``latency``: seconds every byte waits, each way (a slow network).
    """

    def __init__(self, upstream_port=5672, upstream_host="127.0.0.1", latency=0.0):
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.latency = latency
        self.flowing = threading.Event()
        self.flowing.set()
        self.lock = threading.Lock()
        self.links = []
        self.listener = None
        self.restore()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        with self.lock:
            self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        """Refuse new connections and drop the open ones."""
        with self.lock:
            listener, self.listener = self.listener, None
            links, self.links = self.links, []
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        for link in links:
            link.close()

    def freeze(self):
        self.flowing.clear()

    def thaw(self):
        self.flowing.set()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                # A connection accepted just before a cut must not outlive it.
                if self.listener is not listener:
                    client.close()
                    server.close()
                    return
                self.links.append(_Link(self, client, server))
