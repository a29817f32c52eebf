"""End-to-end checks of the OrderService from Python against a running server:

    ./generate && ORDER_SERVICE_TARGET=127.0.0.1:8080 /usr/bin/python3 -m unittest -v test_orders_client
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import unittest
import uuid
from collections.abc import Callable

import grpc

from orders.v1.order_service_pb2 import (
    CancelOrderRequest,
    CreateCustomerRequest,
    CreateOrderRequest,
    CreateProductRequest,
    Customer,
    ExportOrdersRequest,
    GetCustomerRequest,
    GetOrderRequest,
    ListOrdersRequest,
    Order,
    OrderEventType,
    OrderLineRequest,
    OrderStatus,
    Product,
    UpdateOrderStatusRequest,
)
from orders_client import OrdersClient, connect
from watch import watch_events

TARGET = os.environ.get("ORDER_SERVICE_TARGET")
if not TARGET:
    raise RuntimeError("Set ORDER_SERVICE_TARGET to the address of a running order service, e.g. 127.0.0.1:8080")

# Emails and SKUs are unique, and the database may be reused from an earlier run.
RUN = uuid.uuid4().hex[:8]


class OrderServiceTest(unittest.TestCase):
    orders: OrdersClient

    @classmethod
    def setUpClass(cls) -> None:
        cls.orders = connect(TARGET, tls=False, token="")
        cls.addClassCleanup(cls.orders.close)

    def customer(self) -> Customer:
        unique = uuid.uuid4().hex[:8]
        request = CreateCustomerRequest(email=f"ada-{unique}@example.com", name=f"Ada {unique}")
        return self.orders.CreateCustomer(request)

    def product(self) -> Product:
        """Earl Grey at 450 cents, enough in stock for every test."""
        sku = f"TEA-{uuid.uuid4().hex[:12]}"
        return self.orders.CreateProduct(CreateProductRequest(sku=sku, name="Earl Grey", price_cents=450, stock=100))

    def order(self, customer: Customer, product: Product, quantity: int = 1) -> Order:
        return self.orders.CreateOrder(CreateOrderRequest(
            customer_id=customer.id, request_id=str(uuid.uuid4()),
            lines=[OrderLineRequest(product_id=product.id, quantity=quantity)]))

    def set_status(self, order: Order, status: OrderStatus) -> None:
        self.orders.UpdateOrderStatus(UpdateOrderStatusRequest(order_id=order.id, status=status))

    def assert_status(self, code: grpc.StatusCode, details: str, call: Callable[[], object]) -> None:
        with self.assertRaises(grpc.RpcError) as failure:
            call()
        self.assertEqual(code, failure.exception.code(), failure.exception.details())
        self.assertIn(details, failure.exception.details())

    def test_an_order_is_priced_totalled_and_read_back(self) -> None:
        email = f"ada-{RUN}@example.com"
        customer = self.orders.CreateCustomer(CreateCustomerRequest(email=email, name="Ada Lovelace"))
        self.assertGreater(customer.id, 0)
        self.assertEqual((email, "Ada Lovelace"), (customer.email, customer.name))
        self.assertGreater(customer.created_at.seconds, 0)
        tea = self.orders.CreateProduct(CreateProductRequest(sku=f"TEA-{RUN}", name="Earl Grey", price_cents=450,
                                                             stock=10))
        mug = self.orders.CreateProduct(CreateProductRequest(sku=f"MUG-{RUN}", name="Mug", price_cents=1250, stock=3))
        self.assertEqual((f"TEA-{RUN}", "Earl Grey", 450, 10), (tea.sku, tea.name, tea.price_cents, tea.stock))

        request = CreateOrderRequest(customer_id=customer.id, request_id=f"order-{RUN}", lines=[
            OrderLineRequest(product_id=tea.id, quantity=4), OrderLineRequest(product_id=mug.id, quantity=3)])
        order = self.orders.CreateOrder(request)
        self.assertEqual(OrderStatus.ORDER_STATUS_PENDING, order.status)
        self.assertEqual((customer.id, customer.name, customer.email),
                         (order.customer.id, order.customer.name, order.customer.email))
        self.assertEqual([(tea.id, tea.sku, 4, 450, 1800), (mug.id, mug.sku, 3, 1250, 3750)],
                         [(line.product_id, line.sku, line.quantity, line.unit_price_cents, line.line_total_cents)
                          for line in order.lines])
        self.assertEqual(5550, order.total_cents)

        self.assertEqual(order, self.orders.GetOrder(GetOrderRequest(order_id=order.id)))
        self.assertEqual(order.id, self.orders.CreateOrder(request).id, "a repeated request_id returns the order")
        stored = self.orders.GetCustomer(GetCustomerRequest(id=customer.id))
        self.assertEqual((1, 5550), (stored.order_count, stored.lifetime_total_cents))

    def test_the_error_statuses_name_what_is_wrong(self) -> None:
        customer = self.customer()
        tea = self.product()
        self.assert_status(grpc.StatusCode.NOT_FOUND, "order 9223372036854775807 not found",
                           lambda: self.orders.GetOrder(GetOrderRequest(order_id=2**63 - 1)))
        self.assert_status(grpc.StatusCode.INVALID_ARGUMENT, "lines",
                           lambda: self.orders.CreateOrder(CreateOrderRequest(
                               customer_id=customer.id, request_id=f"empty-{RUN}")))
        self.assert_status(grpc.StatusCode.INVALID_ARGUMENT, "lines[0].quantity",
                           lambda: self.orders.CreateOrder(CreateOrderRequest(
                               customer_id=customer.id, request_id=f"zero-{RUN}",
                               lines=[OrderLineRequest(product_id=tea.id, quantity=0)])))
        self.assert_status(grpc.StatusCode.ALREADY_EXISTS, customer.email,
                           lambda: self.orders.CreateCustomer(CreateCustomerRequest(email=customer.email, name="Twin")))

    def test_list_orders_pages_newest_first_to_the_end(self) -> None:
        customer = self.customer()
        tea = self.product()
        placed = [self.order(customer, tea).id for _ in range(5)]
        pages, token = [], ""
        while True:
            page = self.orders.ListOrders(ListOrdersRequest(customer_id=customer.id, page_size=2, page_token=token))
            pages.append([order.id for order in page.orders])
            token = page.next_page_token
            if not token:
                break
        self.assertEqual([placed[4:2:-1], placed[2:0:-1], placed[0:1]], pages)

    def test_export_orders_streams_every_matching_order_by_ascending_id(self) -> None:
        customer = self.customer()
        tea = self.product()
        placed = [self.order(customer, tea, quantity).id for quantity in (1, 2, 3)]
        self.orders.CancelOrder(CancelOrderRequest(order_id=placed[1]))
        exported = list(self.orders.ExportOrders(ExportOrdersRequest(customer_id=customer.id)))
        self.assertEqual(placed, [order.id for order in exported])
        self.assertEqual([450, 900, 1350], [order.total_cents for order in exported])
        pending = self.orders.ExportOrders(ExportOrdersRequest(customer_id=customer.id,
                                                               status=OrderStatus.ORDER_STATUS_PENDING))
        self.assertEqual([placed[0], placed[2]], [order.id for order in pending])

    def test_a_broken_watch_resumes_after_its_last_event_missing_none_repeating_none(self) -> None:
        customer = self.customer()
        tea = self.product()
        with CuttableProxy(TARGET) as proxy, connect(proxy.target, tls=False, token="") as through_proxy:
            events = watch_events(through_proxy, after_event_id=0, customer_id=customer.id, pause=0.1)
            first = self.order(customer, tea)
            seen = [next(events)]
            self.set_status(first, OrderStatus.ORDER_STATUS_PAID)
            seen.append(next(events))

            proxy.cut()  # as a server restart would, while more events commit
            self.set_status(first, OrderStatus.ORDER_STATUS_SHIPPED)
            second = self.order(customer, tea)
            self.orders.CancelOrder(CancelOrderRequest(order_id=second.id))
            seen += [next(events) for _ in range(3)]
            self.assertGreaterEqual(proxy.connections, 2, "the watch was cut off and connected again")

            third = self.order(customer, tea)  # the next event is this one: nothing of before comes twice
            seen.append(next(events))
            events.close()

        self.assertEqual([
            (first.id, 1, OrderEventType.ORDER_EVENT_TYPE_CREATED),
            (first.id, 2, OrderEventType.ORDER_EVENT_TYPE_PAID),
            (first.id, 3, OrderEventType.ORDER_EVENT_TYPE_SHIPPED),
            (second.id, 1, OrderEventType.ORDER_EVENT_TYPE_CREATED),
            (second.id, 2, OrderEventType.ORDER_EVENT_TYPE_CANCELLED),
            (third.id, 1, OrderEventType.ORDER_EVENT_TYPE_CREATED),
        ], [(event.order_id, event.sequence, event.type) for event in seen])
        ids = [event.event_id for event in seen]
        self.assertEqual(sorted(set(ids)), ids, "event ids increase")

    def test_watch_py_prints_one_json_line_per_event(self) -> None:
        customer = self.customer()
        order = self.order(customer, self.product())
        self.set_status(order, OrderStatus.ORDER_STATUS_PAID)
        command = [sys.executable, "watch.py", "--target", TARGET, "--after-event-id", "0",
                   "--customer-id", str(customer.id)]
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                              cwd=os.path.dirname(os.path.abspath(__file__))) as watch:
            try:
                lines = [json.loads(watch.stdout.readline()) for _ in range(2)]
            finally:
                watch.kill()
        self.assertEqual([(str(order.id), 1, "ORDER_EVENT_TYPE_CREATED", "ORDER_STATUS_PENDING"),
                          (str(order.id), 2, "ORDER_EVENT_TYPE_PAID", "ORDER_STATUS_PAID")],
                         [(line["orderId"], line["sequence"], line["type"], line["order"]["status"]) for line in lines])


class CuttableProxy:
    """Forwards TCP connections to `upstream`; cut() breaks every connection open, as a server
    restart or a network fault does, while new ones still get through."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.rsplit(":", 1)
        self._upstream = (host, int(port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.target = f"127.0.0.1:{self._listener.getsockname()[1]}"
        self.connections = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(self._upstream)
            with self._lock:
                self.connections += 1
                self._open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # cut

    def cut(self) -> None:
        with self._lock:
            broken, self._open = self._open, []
        for connection in broken:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # the other end has closed it already
            connection.close()

    def __enter__(self) -> CuttableProxy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._listener.close()
        self.cut()


if __name__ == "__main__":
    unittest.main()
