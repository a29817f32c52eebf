package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.ListProductsRequest;
import com.example.orders.v1.ListProductsResponse;
import com.example.orders.v1.Product;

import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProductTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void createsAProduct() {
        Product product = service.stub().createProduct(CreateProductRequest.newBuilder()
                .setSku("TEA-001").setName("Green tea").setPriceCents(499).setStock(12).build());

        assertTrue(product.getId() > 0);
        assertEquals("TEA-001", product.getSku());
        assertEquals("Green tea", product.getName());
        assertEquals(499, product.getPriceCents());
        assertEquals(12, product.getStock());
    }

    @Test
    void rejectsADuplicateSku() {
        CreateProductRequest request = CreateProductRequest.newBuilder()
                .setSku("MUG-1").setName("Mug").setPriceCents(900).setStock(1).build();
        service.stub().createProduct(request);

        assertStatus(Code.ALREADY_EXISTS, "sku MUG-1 already exists", () -> service.stub().createProduct(request));
    }

    @Test
    void namesTheFieldThatIsWrong() {
        CreateProductRequest valid = CreateProductRequest.newBuilder()
                .setSku("OK-1").setName("Fine").setPriceCents(1).setStock(1).build();

        assertStatus(Code.INVALID_ARGUMENT, "sku is required",
                () -> service.stub().createProduct(valid.toBuilder().clearSku().build()));
        assertStatus(Code.INVALID_ARGUMENT, "sku must not contain spaces",
                () -> service.stub().createProduct(valid.toBuilder().setSku("A B").build()));
        assertStatus(Code.INVALID_ARGUMENT, "name is required",
                () -> service.stub().createProduct(valid.toBuilder().setName(" ").build()));
        assertStatus(Code.INVALID_ARGUMENT, "price_cents must be between 0 and",
                () -> service.stub().createProduct(valid.toBuilder().setPriceCents(-1).build()));
        assertStatus(Code.INVALID_ARGUMENT, "price_cents must be between 0 and",
                () -> service.stub().createProduct(valid.toBuilder().setPriceCents(Long.MAX_VALUE).build()));
        assertStatus(Code.INVALID_ARGUMENT, "stock must not be negative, got -5",
                () -> service.stub().createProduct(valid.toBuilder().setStock(-5).build()));
    }

    @Test
    void listsEveryProductOncePageByPage() {
        List<Long> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(service.product(100 + i, 5).getId());
        }

        List<Long> listed = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListProductsResponse page = service.stub().listProducts(
                    ListProductsRequest.newBuilder().setPageSize(3).setPageToken(token).build());
            assertTrue(page.getProductsCount() <= 3);
            page.getProductsList().forEach(product -> listed.add(product.getId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());

        assertTrue(listed.containsAll(created));
        assertEquals(listed.stream().distinct().sorted().toList(), listed, "ascending ids, no repeats");
        assertEquals((listed.size() + 2) / 3, pages, "the last page is the one without a token");
    }

    @Test
    void rejectsBadPaging() {
        assertStatus(Code.INVALID_ARGUMENT, "page_size must be between 1 and 100",
                () -> service.stub().listProducts(ListProductsRequest.newBuilder().setPageSize(101).build()));
        assertStatus(Code.INVALID_ARGUMENT, "page_size must be between 1 and 100",
                () -> service.stub().listProducts(ListProductsRequest.newBuilder().setPageSize(-1).build()));
        assertStatus(Code.INVALID_ARGUMENT, "page_token is not a token returned by this service",
                () -> service.stub().listProducts(ListProductsRequest.newBuilder().setPageToken("garbage!").build()));
    }
}
