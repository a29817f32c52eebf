package com.example.orders.server.app;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * Runs an action, on a thread of its own, on SIGTERM and SIGINT through {@code sun.misc.Signal} (module jdk.unsupported), not a
 * shutdown hook: a hook runs beside the JDK's own, which silences logging at once, and the process then
 * ends with status 143 or 130 whatever the hook does. Reached by reflection because javac warns on
 * every compile-time use of {@code sun.misc}, and no flag silences it with {@code --release}.
 */
final class TerminationSignals {

    private TerminationSignals() {
    }

    static void onTermination(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            InvocationHandler onSignal = (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return objectMethod(proxy, method, args);
                }
                // Not on the signal's own thread, a daemon: the JVM would end halfway through the
                // action once the web server's threads have stopped.
                Thread.ofPlatform().name("graceful-stop").daemon(false).start(action);
                return null;
            };
            Object handler = Proxy.newProxyInstance(TerminationSignals.class.getClassLoader(),
                                                    new Class<?>[] {handlerType}, onSignal);
            Method handle = signal.getMethod("handle", signal, handlerType);
            for (String name : List.of("TERM", "INT")) {
                handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot handle termination signals on this JVM", e);
        }
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "termination signal handler";
        };
    }
}
