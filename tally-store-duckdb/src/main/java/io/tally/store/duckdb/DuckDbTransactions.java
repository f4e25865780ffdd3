package io.tally.store.duckdb;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs statements on one connection as one transaction: committed together, or rolled back together on any failure. */
final class DuckDbTransactions {
    /** Statements to run inside the transaction. */
    interface Work {
        void run() throws SQLException;
    }

    private DuckDbTransactions() {
    }

    static void run(Connection connection, Work work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            work.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
