package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.testing.TallyProcess;
import io.tally.testing.TestingKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills Tally with SIGKILL in the middle of a stream of events and checks, after a restart, that every
 * event the collector acknowledged with 200 is stored exactly once: none lost, none twice.
 */
class CrashRecoveryTest {
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @TempDir
    Path collectorDir;
    @TempDir
    Path loaderDir;
    @TempDir
    Path serverDir;

    @Test
    void aLoaderKilledMidStreamResumesWithoutLosingOrDuplicating() {
        try (TestingKafka kafka = TestingKafka.start();
             TallyServer collector = TallyServer.start(ServerSettings.defaults(collectorDir).withHost("127.0.0.1").withPort(0)
                     .withKafka(kafka.bootstrapServers()).withRoles(Set.of(Role.COLLECTOR)).withKeys("wk_child", "rk_child"))) {
            int port = TallyProcess.freePort();
            String[] loaderRole = {"--kafka", kafka.bootstrapServers(), "--roles", "loader,query", "--loader-batch-delay", "PT0.05S"};
            TallyProcess loader = TallyProcess.start(loaderDir, port, loaderRole);
            QueryClient queries = new QueryClient(loader.url(), "rk_child");
            BatchSender sender = new BatchSender(collector.url(), "wk_child", "loader-crash").start();
            try {
                await().atMost(PATIENCE).until(() -> queries.total("crash_test") > 2_000);
                loader.killHard();
                int sentWhileDown = sender.batchesSent();
                await().atMost(PATIENCE).until(() -> sender.batchesSent() > sentWhileDown + 20);
                loader = TallyProcess.start(loaderDir, port, loaderRole);
                int sentAfterRestart = sender.batchesSent();
                await().atMost(PATIENCE).until(() -> sender.batchesSent() > sentAfterRestart + 20);
                // after close, every id the sender counted was acknowledged by the collector
                sender.close();
                assertExactlyOnce(new QueryClient(loader.url(), "rk_child"), sender.accepted().size());
            } finally {
                sender.close();
                loader.close();
            }
        }
    }

    @Test
    void theWholeServerKilledTwiceMidStreamKeepsEveryAcknowledgedEventOnce() {
        int port = TallyProcess.freePort();
        TallyProcess server = TallyProcess.start(serverDir, port);
        QueryClient queries = new QueryClient(server.url(), "rk_child");
        BatchSender sender = new BatchSender(server.url(), "wk_child", "server-crash").start();
        try {
            for (int round = 0; round < 2; round++) {
                int before = sender.batchesSent();
                await().atMost(PATIENCE).until(() -> sender.batchesSent() > before + 30);
                server.killHard();
                server = TallyProcess.start(serverDir, port);
            }
            int afterLastRestart = sender.batchesSent();
            await().atMost(PATIENCE).until(() -> sender.batchesSent() > afterLastRestart + 20);
            sender.close();
            assertExactlyOnce(queries, sender.accepted().size());
            assertThat(sender.failedAttempts()).as("the kills were noticed by the client").isPositive();
        } finally {
            sender.close();
            server.close();
        }
    }

    @Test
    void aCleanStopAndRestartKeepsEveryEvent() {
        int port = TallyProcess.freePort();
        TallyProcess server = TallyProcess.start(serverDir, port);
        BatchSender sender = new BatchSender(server.url(), "wk_child", "clean-stop").start();
        try {
            await().atMost(PATIENCE).until(() -> sender.batchesSent() >= 20);
            sender.close();
            assertExactlyOnce(new QueryClient(server.url(), "rk_child"), sender.accepted().size());
            server.close();
            assertThat(server.output()).contains("Stopping Tally...").contains("Stopped.");
            server = TallyProcess.start(serverDir, port);
            assertExactlyOnce(new QueryClient(server.url(), "rk_child"), sender.accepted().size());
        } finally {
            sender.close();
            server.close();
        }
    }

    private static void assertExactlyOnce(QueryClient queries, int acknowledged) {
        assertThat(acknowledged).isPositive();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> queries.total("crash_test") >= acknowledged);
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        assertThat(queries.total("crash_test")).isEqualTo(acknowledged);
    }
}
