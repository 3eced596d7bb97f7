"""A dependency-free Python client for leadroute (JSON-RPC 2.0 over TCP).

    from leadroute_client import Client, RpcError
    with Client("127.0.0.1", 7411) as c:   # token="..." when the server has one
        c.call("ping")
        c.call("check", deal={"company": "ACME GmbH", "country": "DE"})
        # Pipelining: send many requests at once, answers come back in order.
        results = c.pipeline([("route", {"lead": lead}) for lead in leads])

    # The change stream (a server with --data): every change from a
    # position on; a connector keeps the last position it handled, and the
    # journal's history it was handled under (RpcError -32001 when a
    # `leadroute repair` cut that history before it: e.data["from"] says
    # where to read anew).
    with Client("127.0.0.1", 7411) as c:
        for position, change in c.subscribe(from_position=last + 1, history=history):
            history = c.history
            handle(change)
            last = position

Only the standard library (socket, json). One Client is one connection; it
is not thread-safe: use one per thread.
"""
import json
import selectors
import socket


class RpcError(Exception):
    """An error answer: .code (JSON-RPC code), .message, .data."""

    def __init__(self, code, message, data=None):
        super().__init__(f"{code}: {message}" + (f" ({data})" if data else ""))
        self.code = code
        self.message = message
        self.data = data


class Client:
    def __init__(self, host="127.0.0.1", port=7411, timeout=30.0, token=None):
        """Connects; with `token`, says hello with it first (a server started
        with --token answers nothing else until then)."""
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buf = bytearray()
        self._pos = 0
        self._next_id = 1
        self.history = None  # the journal's history id, once subscribed
        if token is not None:
            try:
                self.call("hello", token=token)
            except BaseException:
                self.close()
                raise

    def close(self):
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def call(self, method, params=None, **kwargs):
        """Sends one request and returns its result; raises RpcError."""
        return self.pipeline([(method, params if params is not None else kwargs)])[0]

    def pipeline(self, calls, raise_errors=True):
        """Sends every (method, params) at once and reads the answers in order.

        Returns the results; with raise_errors=False, an RpcError instance
        stands in for each error answer instead of being raised. Every
        answer is read before the first error is raised, so the connection
        stays usable.
        """
        first = self._next_id
        lines = []
        for method, params in calls:
            request = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
            if params is not None:
                request["params"] = params
            self._next_id += 1
            lines.append(json.dumps(request, separators=(",", ":")))
        self._send_reading(("\n".join(lines) + "\n").encode("utf-8"))
        results = []
        first_error = None
        for i in range(len(lines)):
            answer = json.loads(self._read_line())
            if answer.get("id") is None and "error" in answer:
                # The server's last word before it closes (idle, a limit).
                e = answer["error"]
                raise RpcError(e.get("code"), e.get("message"), e.get("data"))
            if answer.get("id") != first + i:
                raise RpcError(-32603, f"answer for id {answer.get('id')}, expected {first + i}")
            if "error" in answer:
                e = answer["error"]
                error = RpcError(e.get("code"), e.get("message"), e.get("data"))
                if first_error is None:
                    first_error = error
                results.append(error)
            else:
                results.append(answer["result"])
        if raise_errors and first_error is not None:
            raise first_error
        return results

    def subscribe(self, from_position=None, history=None):
        """Turns this connection into the change stream: yields (position,
        change) for every state change from `from_position` on (default:
        from now), in order, without gaps or repeats; heartbeats are
        skipped. `history`: the journal history id the positions before
        `from_position` were received under (self.history of the stream
        that received them); the server refuses (RpcError -32001) when a
        repair has since given them to other changes. Ends with
        ConnectionError when the server closes the stream, or RpcError with
        the reason it gave (stream_ended)."""
        params = {} if from_position is None else {"from": from_position}
        if history is not None:
            params["history"] = history
        self.history = self.call("subscribe", params).get("history")
        while True:
            note = json.loads(self._read_line())
            method = note.get("method")
            if method == "change":
                yield note["params"]["position"], note["params"]["change"]
            elif method == "stream_ended":
                raise RpcError(-32002, "stream ended: " +
                               str(note.get("params", {}).get("reason")))
            elif method != "heartbeat" and "error" in note:
                e = note["error"]
                raise RpcError(e.get("code"), e.get("message"), e.get("data"))

    def _send_reading(self, data):
        """Sends `data`, reading what answers arrive meanwhile into the
        buffer: a server stops reading while its answers go unread (past
        its --max-output), so a long pipeline sent before any answer was
        read waited on both sides until the server gave up on it."""
        timeout = self._sock.gettimeout()
        view = memoryview(data)
        with selectors.DefaultSelector() as sel:
            sel.register(self._sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
            self._sock.setblocking(False)
            try:
                while view:
                    events = sel.select(timeout)
                    if not events:
                        raise socket.timeout("leadroute neither read nor answered in time")
                    for _, mask in events:
                        if mask & selectors.EVENT_READ:
                            try:
                                chunk = self._sock.recv(65536)
                            except BlockingIOError:
                                chunk = None
                            if chunk == b"":
                                # Closed: what it said last (a line too
                                # long) is in the buffer, for the caller's
                                # reads to raise; the rest is not sent.
                                return
                            if chunk:
                                self._buf += chunk
                        if mask & selectors.EVENT_WRITE and view:
                            try:
                                view = view[self._sock.send(view):]
                            except BlockingIOError:
                                pass
                            except (BrokenPipeError, ConnectionResetError):
                                return  # as above
            finally:
                self._sock.settimeout(timeout)

    def _read_line(self):
        # Lines are taken from self._buf at self._pos: many answers may wait
        # there, and cutting each off the front would copy the rest.
        end = self._buf.find(b"\n", self._pos)
        while end < 0:
            del self._buf[:self._pos]
            self._pos = 0
            chunk = self._sock.recv(65536)
            if not chunk:
                raise ConnectionError("leadroute closed the connection")
            self._buf += chunk
            end = self._buf.find(b"\n", len(self._buf) - len(chunk))
        line = self._buf[self._pos:end].decode("utf-8")
        self._pos = end + 1
        return line
