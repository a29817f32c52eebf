package com.example.orders.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy to a service the test must not stop (the machine's RabbitMQ): {@link #cut()}
 * drops every connection through it and refuses new ones, as if the service were down, until
 * {@link #restore()}. Given several targets, it sends each new connection to the next, in turn, as
 * a TCP load balancer in front of several servers does.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final List<InetSocketAddress> targets;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private int next;
    private volatile boolean cut;

    private TcpProxy(ServerSocket listener, List<InetSocketAddress> targets) {
        this.listener = listener;
        this.targets = targets;
    }

    static TcpProxy to(String targetHost, int targetPort) throws IOException {
        return to(List.of(new InetSocketAddress(targetHost, targetPort)));
    }

    static TcpProxy to(List<InetSocketAddress> targets) throws IOException {
        TcpProxy proxy = new TcpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), List.copyOf(targets));
        Thread.ofVirtual().name("tcp-proxy").start(proxy::accept);
        return proxy;
    }

    int port() {
        return listener.getLocalPort();
    }

    void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
    }

    void restore() {
        cut = false;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (cut) {
                    client.close();
                    continue;
                }
                Socket target = new Socket();
                target.connect(targets.get(next++ % targets.size()));
                open.add(client);
                open.add(target);
                Thread.ofVirtual().start(() -> pipe(client, target));
                Thread.ofVirtual().start(() -> pipe(target, client));
            } catch (IOException e) {
                // the listener closed, or the target refused: the client sees its connection end
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed: close both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }
}
