package com.example.orders.client;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;

import io.grpc.Attributes;
import io.grpc.ChannelCredentials;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.StatusOr;

/**
 * The channels of the CLI and the load generator: to one target, or to several given as
 * {@code host:port,host:port}, balanced round robin call by call over a connection to each (grpc-java's
 * round_robin policy): client-side balancing, no proxy in between. The host names are resolved once,
 * when the channel starts. Each connection is made as the {@link Endpoint} says: TLS or plaintext,
 * with its token on every call.
 */
final class Targets {

    /** The scheme under which the list reaches grpc-java's name resolution. */
    private static final String SCHEME = "orders-targets";

    static {
        NameResolverRegistry.getDefaultRegistry().register(new TargetListProvider());
    }

    private Targets() {
    }

    static ManagedChannelBuilder<?> channelBuilder(Endpoint endpoint) {
        String targets = endpoint.target();
        ChannelCredentials credentials = endpoint.credentials();
        ManagedChannelBuilder<?> builder = targets.contains(",")
                ? Grpc.newChannelBuilder(SCHEME + ":///" + targets, credentials).defaultLoadBalancingPolicy("round_robin")
                : Grpc.newChannelBuilder(targets, credentials);
        endpoint.authorization().ifPresent(builder::intercept);
        return builder;
    }

    private static InetSocketAddress address(String target) {
        int colon = target.lastIndexOf(':');
        return new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
    }

    /** Resolves {@code orders-targets:///a:1,b:2} to those addresses, once. */
    private static final class TargetListProvider extends NameResolverProvider {

        @Override
        public NameResolver newNameResolver(URI uri, NameResolver.Args args) {
            if (!SCHEME.equals(uri.getScheme())) {
                return null;
            }
            String targets = uri.getPath().substring(1);
            List<EquivalentAddressGroup> addresses = List.of(targets.split(",")).stream()
                    // Each connection is to its own instance, whose name its TLS certificate must have
                    // (not the first one's, the channel's authority).
                    .map(target -> new EquivalentAddressGroup(address(target), Attributes.newBuilder()
                            .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, target).build()))
                    .toList();
            return new NameResolver() {
                @Override
                public String getServiceAuthority() {
                    return targets.split(",")[0];
                }

                @Override
                public void start(Listener2 listener) {
                    listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(addresses)).build());
                }

                @Override
                public void shutdown() {
                }
            };
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        /** Below DNS's 5: a target without a scheme stays a DNS name. */
        @Override
        protected int priority() {
            return 1;
        }

        @Override
        public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
            return List.of(InetSocketAddress.class);
        }
    }
}
