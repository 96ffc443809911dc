"""A Fengqiao client written from docs/PROTOCOL.md and proto/ alone, run by scripts/check-protocol-python.

Usage: client.py GENERATED_DIR PORT
"""
import socket
import struct
import sys

sys.path.insert(0, sys.argv[1])
from fengqiao.rpc.v1 import envelope_pb2, status_pb2  # noqa: E402
from fengqiao.testing.v1 import echo_pb2  # noqa: E402
from fengqiao.health.v1 import health_pb2  # noqa: E402

Envelope = envelope_pb2.Envelope


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.next_id = 0
        self.buffer = b""

    def send(self, envelope):
        data = envelope.SerializeToString()
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def read_exactly(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive(self):
        (length,) = struct.unpack(">I", self.read_exactly(4))
        envelope = Envelope()
        envelope.ParseFromString(self.read_exactly(length))
        return envelope

    def start(self, method, request, timeout_ms=5000, metadata=None):
        self.next_id += 1
        envelope = Envelope(kind=Envelope.KIND_REQUEST, call_id=self.next_id, method=method,
                            timeout_ms=timeout_ms, payload=request.SerializeToString())
        for key, value in (metadata or {}).items():
            envelope.metadata[key] = value
        self.send(envelope)
        return self.next_id

    def answers(self, call_id):
        """Yields the envelopes of one call until its RESPONSE or END_OF_STREAM."""
        while True:
            envelope = self.receive()
            if envelope.kind == Envelope.KIND_PING:
                self.send(Envelope(kind=Envelope.KIND_PONG, call_id=envelope.call_id, payload=envelope.payload))
                continue
            if envelope.call_id != call_id:
                continue
            yield envelope
            if envelope.kind in (Envelope.KIND_RESPONSE, Envelope.KIND_END_OF_STREAM):
                return

    def unary(self, method, request, response_type, **options):
        call_id = self.start(method, request, **options)
        for envelope in self.answers(call_id):
            if envelope.status.code != status_pb2.CODE_OK:
                return None, envelope.status, envelope.metadata
            response = response_type()
            response.ParseFromString(envelope.payload)
            return response, envelope.status, envelope.metadata


def main():
    client = Client(int(sys.argv[2]))

    answer, status, metadata = client.unary("/fengqiao.testing.v1.Echo/Echo", echo_pb2.EchoRequest(text="hi"),
                                            echo_pb2.EchoResponse, metadata={"request-id": "py-1"})
    assert answer.text == "hi", answer
    assert metadata["request-id"] == "py-1", metadata
    print("Echo: ok")

    _, status, _ = client.unary("/fengqiao.testing.v1.Echo/Echo",
                                echo_pb2.EchoRequest(text="no such unit", fail_with=status_pb2.CODE_NOT_FOUND),
                                echo_pb2.EchoResponse)
    assert status.code == status_pb2.CODE_NOT_FOUND and status.message == "no such unit", status
    print("Echo failing with NOT_FOUND: ok")

    # Python strings may hold U+0000; the server refuses it rather than read the text up to it.
    _, status, _ = client.unary("/fengqiao.testing.v1.Echo/Echo", echo_pb2.EchoRequest(text="空\0字"),
                                echo_pb2.EchoResponse)
    assert status.code == status_pb2.CODE_INVALID_ARGUMENT, status
    assert [(v.field, v.description) for v in status.field_violations] == [("text", "must not contain U+0000")], status
    print("a string holding U+0000 is INVALID_ARGUMENT naming the field: ok")

    _, status, _ = client.unary("/fengqiao.testing.v1.Echo/Nope", echo_pb2.EchoRequest(), echo_pb2.EchoResponse)
    assert status.code == status_pb2.CODE_UNIMPLEMENTED, status
    print("unknown method is UNIMPLEMENTED: ok")

    _, status, _ = client.unary("/fengqiao.testing.v1.Echo/Sleep", echo_pb2.SleepRequest(duration_ms=5000),
                                echo_pb2.SleepResponse, timeout_ms=100)
    assert status.code == status_pb2.CODE_DEADLINE_EXCEEDED, status
    print("Sleep past timeout_ms is DEADLINE_EXCEEDED: ok")

    call_id = client.start("/fengqiao.testing.v1.Echo/Expand", echo_pb2.ExpandRequest(count=5, text="row"))
    indexes = []
    for envelope in client.answers(call_id):
        if envelope.kind == Envelope.KIND_STREAM_MESSAGE:
            message = echo_pb2.ExpandResponse()
            message.ParseFromString(envelope.payload)
            indexes.append(message.index)
        else:
            assert envelope.kind == Envelope.KIND_END_OF_STREAM and envelope.status.code == status_pb2.CODE_OK
    assert indexes == [0, 1, 2, 3, 4], indexes
    print("Expand stream: ok")

    call_id = client.start("/fengqiao.testing.v1.Echo/Sleep", echo_pb2.SleepRequest(duration_ms=5000))
    client.send(Envelope(kind=Envelope.KIND_CANCEL, call_id=call_id))
    final = list(client.answers(call_id))[-1]
    assert final.status.code == status_pb2.CODE_CANCELLED, final
    print("CANCEL: ok")

    answer, _, _ = client.unary("/fengqiao.health.v1.Health/Check",
                                health_pb2.CheckRequest(service="fengqiao.testing.v1.Echo"), health_pb2.CheckResponse)
    assert answer.status == health_pb2.CheckResponse.SERVING_STATUS_SERVING, answer
    print("Health Check: ok")

    client.send(Envelope(kind=Envelope.KIND_PING, call_id=9, payload=b"abc"))
    pong = client.receive()
    assert pong.kind == Envelope.KIND_PONG and pong.call_id == 9 and pong.payload == b"abc", pong
    print("PING/PONG: ok")

    client.send(Envelope(kind=Envelope.KIND_GO_AWAY, go_away=envelope_pb2.GoAway()))
    goodbye = client.receive()
    assert goodbye.kind == Envelope.KIND_GO_AWAY, goodbye
    print("GO_AWAY: ok")


if __name__ == "__main__":
    main()
