"""Checks of TLS and the bearer token against a running server that requires both, configured as
connect() reads its settings by default, from the environment:

    ORDER_SERVICE_TARGET=localhost:8443 ORDER_SERVICE_CA_FILE=ca.crt ORDER_SERVICE_TOKEN=... \\
        /usr/bin/python3 -m unittest -v test_tls_and_token
"""

from __future__ import annotations

import os
import unittest
import uuid
from unittest import mock

import grpc

from orders.v1.order_service_pb2 import CreateCustomerRequest
from orders_client import connect

for _name in ("ORDER_SERVICE_TARGET", "ORDER_SERVICE_CA_FILE", "ORDER_SERVICE_TOKEN"):
    if not os.environ.get(_name):
        raise RuntimeError(f"Set {_name}: these checks need a server with TLS (its CA's certificate) and a token")


class TlsAndTokenTest(unittest.TestCase):
    def create_customer(self, **options) -> str:
        """The name of a customer created through a client connected with `options`."""
        unique = uuid.uuid4().hex[:8]
        request = CreateCustomerRequest(email=f"tls-{unique}@example.com", name=f"Tls {unique}")
        with connect(**options) as orders:
            return orders.CreateCustomer(request).name

    def assert_refused(self, code: grpc.StatusCode, details: str, **options) -> None:
        with self.assertRaises(grpc.RpcError) as failure:
            self.create_customer(**options)
        self.assertEqual(code, failure.exception.code(), failure.exception.details())
        self.assertIn(details, failure.exception.details())

    def test_the_settings_of_the_environment_get_a_call_through(self) -> None:
        self.assertTrue(self.create_customer().startswith("Tls "))

    def test_a_call_without_the_token_is_unauthenticated(self) -> None:
        self.assert_refused(grpc.StatusCode.UNAUTHENTICATED, "missing bearer token", token="")

    def test_a_call_with_a_wrong_token_is_unauthenticated(self) -> None:
        self.assert_refused(grpc.StatusCode.UNAUTHENTICATED, "invalid bearer token", token="not-the-token")

    def test_tls_without_the_ca_file_does_not_trust_the_server(self) -> None:
        # ORDER_SERVICE_TLS without a CA file: gRPC's default roots, which know nothing of the test CA.
        with mock.patch.dict(os.environ, {"ORDER_SERVICE_TLS": "true"}):
            del os.environ["ORDER_SERVICE_CA_FILE"]
            self.assert_refused(grpc.StatusCode.UNAVAILABLE, "handshake")


if __name__ == "__main__":
    unittest.main()
