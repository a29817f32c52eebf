"""A client of orders.v1.OrderService: the generated stub on a channel set up as every client of the
service should be (docs/api.md).

Run ./generate first: it writes the stub and messages (package orders.v1) from the service's .proto.
Needs Debian's python3-grpcio and python3-protobuf, the runtime of the code Debian's protoc writes,
so use Debian's /usr/bin/python3 rather than another python3 on the PATH.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import grpc

from orders.v1 import order_service_pb2_grpc

DEFAULT_TARGET = "localhost:8080"
DEFAULT_DEADLINE_SECONDS = 10.0

#: The response header of a write that names the database position it committed at, and the request
#: header that asks the server not to answer from a replica that has not reached it yet.
MIN_LSN_KEY = "orders-min-lsn"

#: The retry policy every client of the service should use (docs/api.md, Retries): UNAVAILABLE (the
#: database is down or failing over, the server is stopping) is retried up to 5 attempts in all, after
#: random pauses growing from 0.1 s to 1 s, within the call's deadline. No retry writes twice:
#: CreateOrder is idempotent by request_id, and the other writes are guarded by a unique key or a
#: state change.
SERVICE_CONFIG: dict[str, Any] = {
    "methodConfig": [
        {
            "name": [{"service": "orders.v1.OrderService"}],
            "retryPolicy": {
                "maxAttempts": 5,
                "initialBackoff": "0.1s",
                "maxBackoff": "1s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        }
    ]
}

_UINT64_MAX = 2**64 - 1
_DECIMAL = re.compile(r"[0-9]{1,20}")

Metadata = Sequence[tuple[str, str | bytes]]


def connect(
    target: str | None = None,
    *,
    tls: bool | None = None,
    ca_file: str | None = None,
    token: str | None = None,
    deadline: float = DEFAULT_DEADLINE_SECONDS,
) -> OrdersClient:
    """An OrdersClient for `target` (host:port).

    What is not given comes from the environment, as in the service's other clients:
    ORDER_SERVICE_TARGET (else localhost:8080), ORDER_SERVICE_TLS (true or false),
    ORDER_SERVICE_CA_FILE and ORDER_SERVICE_TOKEN. TLS trusts gRPC's default roots, or only the CA
    certificates (PEM) in `ca_file`, which implies TLS. An empty token sends none, even when
    ORDER_SERVICE_TOKEN has one. `deadline` (seconds) bounds each unary call that has no timeout of
    its own; streams get none, since they last as long as there is something to send.
    """
    target = target or os.environ.get("ORDER_SERVICE_TARGET", "").strip() or DEFAULT_TARGET
    ca_file = ca_file if ca_file is not None else os.environ.get("ORDER_SERVICE_CA_FILE") or None
    tls = tls if tls is not None else parse_flag("ORDER_SERVICE_TLS", os.environ.get("ORDER_SERVICE_TLS", ""))
    token = token if token is not None else os.environ.get("ORDER_SERVICE_TOKEN", "")
    options = [("grpc.service_config", json.dumps(SERVICE_CONFIG))]
    if tls or ca_file:
        root_certificates = None
        if ca_file:
            with open(ca_file, "rb") as pem:
                root_certificates = pem.read()
        credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
        channel = grpc.secure_channel(target, credentials, options=options)
    else:
        channel = grpc.insecure_channel(target, options=options)
    return OrdersClient(channel, token=token or None, deadline=deadline)


class OrdersClient(order_service_pb2_grpc.OrderServiceStub):
    """The generated stub, one method per RPC named as in the .proto, on a channel with the retry
    policy, the bearer token, the default deadline and read-your-writes.

    `orders.CreateCustomer(request)` returns the Customer; `orders.ExportOrders(request)` returns an
    iterator of Orders whose cancel() ends the call. A failed call raises grpc.RpcError, with code()
    and details(). Close the client when done, or use it in a with block.
    """

    def __init__(self, channel: grpc.Channel, *, token: str | None, deadline: float) -> None:
        self._channel = channel
        self._min_lsn = MinLsn()
        headers = _Headers(token=token, deadline=deadline, min_lsn=self._min_lsn)
        super().__init__(grpc.intercept_channel(channel, headers))

    @property
    def min_lsn(self) -> int | None:
        """The largest orders-min-lsn a response has carried so far, sent with every later call."""
        return self._min_lsn.value

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> OrdersClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class MinLsn:
    """The read-your-writes position of one client.

    A write answers with the position it committed at (orders-min-lsn in its response headers); a
    later call that carries the largest one seen is not answered from a replica that lags behind it,
    so the client reads what it wrote. Calls run on several threads, hence the lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: int | None = None

    @property
    def value(self) -> int | None:
        with self._lock:
            return self._value

    def observe(self, headers: Metadata | None) -> None:
        """Keeps the largest orders-min-lsn of `headers`; a value that is not one is ignored, since
        it cannot name a position and must not stop the call that brought it."""
        for key, value in headers or ():
            if key == MIN_LSN_KEY and isinstance(value, str):
                lsn = parse_min_lsn(value)
                if lsn is not None:
                    with self._lock:
                        if self._value is None or lsn > self._value:
                            self._value = lsn


def parse_min_lsn(value: str) -> int | None:
    """The unsigned 64-bit integer `value` writes in decimal digits, or None when it is not one
    (Python's int() would also take signs, spaces and underscores)."""
    if not _DECIMAL.fullmatch(value):
        return None
    lsn = int(value)
    return lsn if lsn <= _UINT64_MAX else None


def parse_flag(name: str, value: str) -> bool:
    """A boolean environment variable: true/1/yes or false/0/no/empty, any case."""
    normalized = value.strip().lower()
    if normalized in ("true", "1", "yes"):
        return True
    if normalized in ("false", "0", "no", ""):
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


@dataclass(frozen=True)
class _CallDetails(grpc.ClientCallDetails):
    method: str
    timeout: float | None
    metadata: Metadata | None
    credentials: grpc.CallCredentials | None
    wait_for_ready: bool | None
    compression: grpc.Compression | None


class _Headers(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """Adds the token and the read-your-writes position to every call, and the default deadline to
    unary ones; takes the position from the response headers of unary calls, which every write is.

    The token goes as metadata rather than as call credentials, which gRPC sends over TLS only: a
    service on a private network may require a token without TLS.
    """

    def __init__(self, *, token: str | None, deadline: float, min_lsn: MinLsn) -> None:
        self._authorization = [("authorization", f"Bearer {token}")] if token else []
        self._deadline = deadline
        self._min_lsn = min_lsn

    def intercept_unary_unary(
        self, continuation: Callable[[grpc.ClientCallDetails, Any], Any], details: grpc.ClientCallDetails,
        request: Any,
    ) -> Any:
        timeout = details.timeout if details.timeout is not None else self._deadline
        call = continuation(self._with_headers(details, timeout), request)
        # Runs at once for a blocking call (done by now), else when a future's call completes.
        call.add_done_callback(lambda done: self._min_lsn.observe(done.initial_metadata()))
        return call

    def intercept_unary_stream(
        self, continuation: Callable[[grpc.ClientCallDetails, Any], Iterator[Any]], details: grpc.ClientCallDetails,
        request: Any,
    ) -> Iterator[Any]:
        return continuation(self._with_headers(details, details.timeout), request)

    def _with_headers(self, details: grpc.ClientCallDetails, timeout: float | None) -> _CallDetails:
        metadata = [*(details.metadata or ()), *self._authorization]
        lsn = self._min_lsn.value
        if lsn is not None:
            metadata.append((MIN_LSN_KEY, str(lsn)))
        return _CallDetails(details.method, timeout, metadata, details.credentials, details.wait_for_ready,
                            details.compression)
