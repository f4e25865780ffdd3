package io.tally.server;

import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty's request threads, named so that thread dumps say whose they are. */
final class JettyThreads {
    private JettyThreads() {
    }

    static QueuedThreadPool pool(String name, int maxThreads) {
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, 8, 60_000);
        pool.setName(name);
        return pool;
    }
}
