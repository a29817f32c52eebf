package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.orders.v1.CancelOrderRequest;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.Product;

import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CustomerTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void createsAndReadsACustomer() {
        Customer created = service.stub().createCustomer(CreateCustomerRequest.newBuilder()
                .setEmail("  ada@example.com ").setName(" Ada Lovelace ").build());

        assertTrue(created.getId() > 0);
        assertEquals("ada@example.com", created.getEmail());
        assertEquals("Ada Lovelace", created.getName());
        assertTrue(created.getCreatedAt().getSeconds() > 0);

        Customer read = service.stub().getCustomer(GetCustomerRequest.newBuilder().setId(created.getId()).build());
        assertEquals(created, read);
    }

    @Test
    void countsOrdersAndTotalsThemExceptCancelledOnes() {
        Customer customer = service.customer();
        Product cheap = service.product(250, 10);
        Product dear = service.product(10_000, 10);
        service.order(customer, cheap, dear);
        service.order(customer, cheap);
        Order cancelled = service.order(customer, dear);
        service.stub().cancelOrder(CancelOrderRequest.newBuilder().setOrderId(cancelled.getId()).build());

        Customer read = service.stub().getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build());

        assertEquals(2, read.getOrderCount());
        assertEquals(250 + 10_000 + 250, read.getLifetimeTotalCents());
    }

    @Test
    void aNewCustomerHasNoOrders() {
        Customer read = service.stub().getCustomer(
                GetCustomerRequest.newBuilder().setId(service.customer().getId()).build());

        assertEquals(0, read.getOrderCount());
        assertEquals(0, read.getLifetimeTotalCents());
    }

    @Test
    void rejectsADuplicateEmailWhateverItsCase() {
        service.stub().createCustomer(CreateCustomerRequest.newBuilder()
                .setEmail("grace@example.com").setName("Grace").build());

        assertStatus(Code.ALREADY_EXISTS, "GRACE@example.com", () -> service.stub().createCustomer(
                CreateCustomerRequest.newBuilder().setEmail("GRACE@example.com").setName("Grace H").build()));
    }

    @Test
    void sendsNonAsciiMessagesIntact() {
        service.stub().createCustomer(CreateCustomerRequest.newBuilder()
                .setEmail("josé%20@exämple.com").setName("José").build());

        assertStatus(Code.ALREADY_EXISTS, "a customer with email josé%20@exämple.com already exists",
                () -> service.stub().createCustomer(CreateCustomerRequest.newBuilder()
                        .setEmail("josé%20@exämple.com").setName("José").build()));
    }

    @Test
    void namesTheFieldThatIsWrong() {
        assertStatus(Code.INVALID_ARGUMENT, "email is required", () -> service.stub().createCustomer(
                CreateCustomerRequest.newBuilder().setEmail("   ").setName("Nobody").build()));
        assertStatus(Code.INVALID_ARGUMENT, "email must look like name@domain", () -> service.stub().createCustomer(
                CreateCustomerRequest.newBuilder().setEmail("not-an-email").setName("Nobody").build()));
        assertStatus(Code.INVALID_ARGUMENT, "name is required", () -> service.stub().createCustomer(
                CreateCustomerRequest.newBuilder().setEmail("nobody@example.com").build()));
        assertStatus(Code.INVALID_ARGUMENT, "name must not contain control characters",
                () -> service.stub().createCustomer(CreateCustomerRequest.newBuilder()
                        .setEmail("nobody@example.com").setName("No\u0000body").build()));
        assertStatus(Code.INVALID_ARGUMENT, "id must be a positive id, got 0",
                () -> service.stub().getCustomer(GetCustomerRequest.getDefaultInstance()));
    }

    @Test
    void anUnknownCustomerIsNotFound() {
        assertStatus(Code.NOT_FOUND, "customer 987654 not found",
                () -> service.stub().getCustomer(GetCustomerRequest.newBuilder().setId(987654).build()));
    }
}
