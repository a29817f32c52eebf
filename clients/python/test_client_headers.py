"""What the client sends and keeps, against a tiny in-process OrderService that answers as told and
records what it got: the read-your-writes position, the bearer token, the deadline, the retries.
No service or database needed: python3 -m unittest test_client_headers"""

from __future__ import annotations

import os
import threading
import unittest
from concurrent import futures
from unittest import mock

import grpc

from orders.v1 import order_service_pb2_grpc
from orders.v1.order_service_pb2 import (
    CreateCustomerRequest,
    Customer,
    ExportOrdersRequest,
    GetCustomerRequest,
    Order,
)
from orders_client import MIN_LSN_KEY, MinLsn, connect, parse_flag, parse_min_lsn


class RecordingOrderService(order_service_pb2_grpc.OrderServiceServicer):
    """CreateCustomer answers with the orders-min-lsn header it is given; GetCustomer fails with
    UNAVAILABLE as often as it is told first; each call's metadata and time left are recorded."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[tuple[str, dict[str, str], float]] = []
        self.min_lsn_header: str | None = None
        self.unavailable = 0

    def record(self, method: str, context: grpc.ServicerContext) -> None:
        with self.lock:
            self.calls.append((method, dict(context.invocation_metadata()), context.time_remaining()))

    def CreateCustomer(self, request: CreateCustomerRequest, context: grpc.ServicerContext) -> Customer:
        self.record("CreateCustomer", context)
        if self.min_lsn_header is not None:
            context.send_initial_metadata([(MIN_LSN_KEY, self.min_lsn_header)])
        return Customer(id=1, email=request.email, name=request.name)

    def GetCustomer(self, request: GetCustomerRequest, context: grpc.ServicerContext) -> Customer:
        self.record("GetCustomer", context)
        with self.lock:
            fail = self.unavailable > 0
            self.unavailable -= 1
        if fail:
            context.abort(grpc.StatusCode.UNAVAILABLE, "told to fail")
        return Customer(id=request.id)

    def ExportOrders(self, request: ExportOrdersRequest, context: grpc.ServicerContext):
        self.record("ExportOrders", context)
        yield Order(id=7)


class ClientHeadersTest(unittest.TestCase):
    def setUp(self) -> None:
        self.service = RecordingOrderService()
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        order_service_pb2_grpc.add_OrderServiceServicer_to_server(self.service, self.server)
        self.target = f"127.0.0.1:{self.server.add_insecure_port('127.0.0.1:0')}"
        self.server.start()
        self.addCleanup(self.server.stop, None)
        # The developer's own ORDER_SERVICE_* settings must not leak into these calls.
        environment = mock.patch.dict(os.environ)
        environment.start()
        self.addCleanup(environment.stop)
        for name in ("ORDER_SERVICE_TARGET", "ORDER_SERVICE_TLS", "ORDER_SERVICE_CA_FILE", "ORDER_SERVICE_TOKEN"):
            os.environ.pop(name, None)

    def connect(self, **options):
        orders = connect(self.target, **options)
        self.addCleanup(orders.close)
        return orders

    def write(self, orders, min_lsn_header: str | None) -> None:
        self.service.min_lsn_header = min_lsn_header
        orders.CreateCustomer(CreateCustomerRequest(email="ada@example.com", name="Ada"))

    def read_unary_and_streaming(self, orders) -> list[dict[str, str]]:
        """The metadata GetCustomer and ExportOrders arrived with."""
        del self.service.calls[:]
        orders.GetCustomer(GetCustomerRequest(id=1))
        self.assertEqual([7], [order.id for order in orders.ExportOrders(ExportOrdersRequest())])
        return [metadata for _, metadata, _ in self.service.calls]

    def test_no_min_lsn_goes_before_a_write_has_brought_one(self) -> None:
        orders = self.connect()
        for metadata in self.read_unary_and_streaming(orders):
            self.assertNotIn(MIN_LSN_KEY, metadata)
        self.write(orders, None)
        self.assertIsNone(orders.min_lsn)
        for metadata in self.read_unary_and_streaming(orders):
            self.assertNotIn(MIN_LSN_KEY, metadata)

    def test_the_largest_min_lsn_received_goes_with_every_later_call(self) -> None:
        orders = self.connect()
        self.write(orders, "41")
        self.write(orders, "42")
        self.write(orders, "7")  # a write answered by a server that is behind another one
        self.assertEqual(42, orders.min_lsn)
        metadata = self.read_unary_and_streaming(orders)
        self.assertEqual(["42", "42"], [headers.get(MIN_LSN_KEY) for headers in metadata])
        self.write(orders, "18446744073709551615")
        self.assertEqual(["18446744073709551615"] * 2,
                         [headers.get(MIN_LSN_KEY) for headers in self.read_unary_and_streaming(orders)])

    def test_a_min_lsn_that_is_no_unsigned_64_bit_decimal_is_ignored(self) -> None:
        orders = self.connect()
        self.write(orders, "42")
        for junk in ("", "abc", "-1", "+43", " 43", "4_3", "43.0", "0x2b", "18446744073709551616"):
            with self.subTest(junk=junk):
                self.write(orders, junk)
                self.assertEqual(42, orders.min_lsn)
        self.assertEqual(["42", "42"], [headers.get(MIN_LSN_KEY) for headers in self.read_unary_and_streaming(orders)])

    def test_the_bearer_token_goes_with_every_call(self) -> None:
        orders = self.connect(token="s3cret")
        self.write(orders, None)
        (_, written, _), = self.service.calls
        read = self.read_unary_and_streaming(orders)
        self.assertEqual(["Bearer s3cret"] * 3, [metadata.get("authorization") for metadata in [written, *read]])

    def test_the_token_comes_from_the_environment_unless_an_empty_one_is_given(self) -> None:
        os.environ["ORDER_SERVICE_TOKEN"] = "from-environment"
        os.environ["ORDER_SERVICE_TARGET"] = self.target
        from_environment = connect()
        self.addCleanup(from_environment.close)
        self.assertEqual(["Bearer from-environment"] * 2,
                         [headers.get("authorization") for headers in self.read_unary_and_streaming(from_environment)])
        without = self.read_unary_and_streaming(self.connect(token=""))
        self.assertEqual([None, None], [headers.get("authorization") for headers in without])

    def test_unary_calls_get_the_default_deadline_and_streams_none(self) -> None:
        self.read_unary_and_streaming(self.connect(deadline=3.0))
        (_, _, unary), (_, _, stream) = self.service.calls
        # The server's own reckoning of the time left, from the grpc-timeout header: a few milliseconds
        # either way of 3 s, far from 10 s or none.
        self.assertTrue(2.0 < unary < 3.5, unary)
        self.assertGreater(stream, 3600 * 24, "a stream's time left: none set")

    def test_unavailable_is_retried_up_to_five_attempts(self) -> None:
        orders = self.connect()
        self.service.unavailable = 4
        self.assertEqual(5, orders.GetCustomer(GetCustomerRequest(id=5)).id)
        self.service.unavailable = 5
        del self.service.calls[:]
        with self.assertRaises(grpc.RpcError) as failure:
            orders.GetCustomer(GetCustomerRequest(id=5))
        self.assertEqual(grpc.StatusCode.UNAVAILABLE, failure.exception.code())
        self.assertEqual(5, len(self.service.calls))


class ParsingTest(unittest.TestCase):
    def test_min_lsn(self) -> None:
        self.assertEqual(0, parse_min_lsn("0"))
        self.assertEqual(2**64 - 1, parse_min_lsn("18446744073709551615"))
        self.assertEqual(42, parse_min_lsn("000042"))
        for junk in ("", "-1", "+1", " 1", "1 ", "1_0", "1e3", "18446744073709551616", "٤٣"):
            with self.subTest(junk=junk):
                self.assertIsNone(parse_min_lsn(junk))

    def test_min_lsn_keeps_the_largest(self) -> None:
        min_lsn = MinLsn()
        min_lsn.observe([("other", "99"), (MIN_LSN_KEY, "5")])
        min_lsn.observe([(MIN_LSN_KEY, "3")])
        min_lsn.observe(None)
        self.assertEqual(5, min_lsn.value)

    def test_flag(self) -> None:
        self.assertEqual([True, True, True], [parse_flag("F", value) for value in ("true", "1", " YES ")])
        self.assertEqual([False] * 4, [parse_flag("F", value) for value in ("false", "0", "no", "")])
        with self.assertRaisesRegex(ValueError, "ORDER_SERVICE_TLS must be true or false, got 'on'"):
            parse_flag("ORDER_SERVICE_TLS", "on")


if __name__ == "__main__":
    unittest.main()
