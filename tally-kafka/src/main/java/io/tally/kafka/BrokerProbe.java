package io.tally.kafka;

import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks the cluster whether it answers, at most once per {@code interval}: a collector that has had no
 * traffic must still report a broker that went away.
 */
final class BrokerProbe implements AutoCloseable {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int TIMEOUT_MILLIS = 2_000;

    private final Admin admin;
    private long checkedAtNanos;
    private boolean reachable = true;
    private boolean checked;

    BrokerProbe(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "tally-health");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MILLIS);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MILLIS);
        this.admin = Admin.create(props);
    }

    synchronized boolean reachable() {
        long now = System.nanoTime();
        if (checked && now - checkedAtNanos < INTERVAL_NANOS) {
            return reachable;
        }
        try {
            reachable = !admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MILLIS))
                    .nodes().get(TIMEOUT_MILLIS + 500L, TimeUnit.MILLISECONDS).isEmpty();
        } catch (Exception e) {
            reachable = false;
        }
        checked = true;
        checkedAtNanos = System.nanoTime();
        return reachable;
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
