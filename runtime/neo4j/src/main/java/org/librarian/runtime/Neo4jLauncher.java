package org.librarian.runtime;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j Community DBMS with a Bolt connector, for Librarian's local runs and
 * tests. Public embedded API only.
 *
 * <pre>
 * java [jvm flags] -cp classes:lib/* org.librarian.runtime.Neo4jLauncher \
 *     --home DIR --listen HOST:PORT [--pagecache-mb N] [--conf FILE]
 * </pre>
 *
 * {@code --conf} names an optional neo4j.conf-style file with extra settings (see
 * runtime/neo4j/neo4j.conf); the settings this launcher sets itself always win over it.
 *
 * The initial password for user {@code neo4j} is read from the environment variable
 * {@code LIBRARIAN_NEO4J_PASSWORD} (never from the command line, which other users can read).
 *
 * <p>Prints exactly one line {@code LIBRARIAN-NEO4J READY bolt://HOST:PORT version=X pid=N} on stdout when
 * Bolt accepts connections, and {@code LIBRARIAN-NEO4J STOPPED} after a clean shutdown (SIGTERM or
 * SIGINT). Failures print the stack trace and then {@code LIBRARIAN-NEO4J FAILED pid=N <root cause>} on
 * stderr and exit with status 1.
 */
public final class Neo4jLauncher {
    static final String TAG = "LIBRARIAN-NEO4J";
    static final String PASSWORD_ENV = "LIBRARIAN_NEO4J_PASSWORD";

    private Neo4jLauncher() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(TAG + " FAILED " + e.getMessage());
            err.println(
                    "usage: Neo4jLauncher --home DIR --listen HOST:PORT [--pagecache-mb N] [--conf FILE]"
                            + " (password in $" + PASSWORD_ENV + ")");
            System.exit(2);
            return;
        }
        try {
            run(options, out, err);
        } catch (Throwable t) { // a failed start must end the JVM with a clear message
            t.printStackTrace(err);
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String reason = root.getMessage() != null ? root.getMessage() : root.toString();
            // The line the Python caller quotes in its error message.
            err.println(
                    TAG + " FAILED pid=" + ProcessHandle.current().pid() + " "
                            + reason.replace('\n', ' '));
            System.exit(1);
        }
    }

    private static void run(Options options, PrintStream out, PrintStream err) throws Exception {
        Files.createDirectories(options.home);
        Path logs = options.home.resolve("logs");
        Files.createDirectories(logs);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(options.home);
        if (options.conf != null) {
            // Optional tunables first; the settings below always win.
            builder.loadPropertiesFromFile(options.conf);
        }
        DatabaseManagementService dbms =
                builder.setConfig(BoltConnector.enabled, true)
                        .setConfig(BoltConnector.listen_address, options.listen)
                        .setConfig(BoltConnector.advertised_address, options.listen)
                        .setConfig(
                                BoltConnector.encryption_level,
                                BoltConnector.EncryptionLevel.DISABLED)
                        .setConfig(HttpConnector.enabled, false)
                        .setConfig(HttpsConnector.enabled, false)
                        .setConfig(GraphDatabaseSettings.auth_enabled, true)
                        .setConfig(
                                GraphDatabaseSettings.pagecache_memory,
                                ByteUnit.mebiBytes(options.pagecacheMb))
                        .setConfig(GraphDatabaseSettings.logs_directory, logs)
                        .build();

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean shuttingDown = new AtomicBoolean(false);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    if (shuttingDown.compareAndSet(false, true)) {
                                        err.println(TAG + " shutting down");
                                        try {
                                            dbms.shutdown();
                                            out.println(TAG + " STOPPED");
                                        } catch (Throwable t) {
                                            err.println(TAG + " shutdown failed: " + t);
                                        } finally {
                                            stopped.countDown();
                                        }
                                    }
                                },
                                "librarian-neo4j-shutdown"));

        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        GraphDatabaseService neo4j = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!system.isAvailable(TimeUnit.MINUTES.toMillis(2))
                || !neo4j.isAvailable(TimeUnit.MINUTES.toMillis(2))) {
            throw new IllegalStateException("databases did not become available within 2 minutes");
        }

        setInitialPassword(system, options.password, err);
        String version = neo4jVersion(neo4j);
        SocketAddress bolt = options.listen;
        out.println(
                TAG + " READY bolt://" + bolt.getHostname() + ":" + bolt.getPort() + " version="
                        + version + " pid=" + ProcessHandle.current().pid());
        stopped.await();
    }

    /** A fresh store has neo4j/neo4j with a forced change: set the configured password once. */
    private static void setInitialPassword(GraphDatabaseService system, String password,
            PrintStream err) {
        boolean changeRequired =
                system.executeTransactionally(
                        "SHOW USERS YIELD user, passwordChangeRequired"
                                + " WHERE user = 'neo4j' RETURN passwordChangeRequired",
                        Map.of(),
                        result ->
                                result.hasNext()
                                        && Boolean.TRUE.equals(
                                                result.next().get("passwordChangeRequired")));
        if (!changeRequired) {
            err.println(TAG + " user neo4j already has a password; keeping it");
            return;
        }
        system.executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        err.println(TAG + " initial password for user neo4j set");
    }

    private static String neo4jVersion(GraphDatabaseService db) {
        return db.executeTransactionally(
                "CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel'"
                        + " RETURN versions[0] AS version",
                Map.of(),
                result -> result.hasNext() ? String.valueOf(result.next().get("version")) : "?");
    }

    private record Options(
            Path home, SocketAddress listen, long pagecacheMb, Path conf, String password) {
        static Options parse(String[] args) {
            Path home = null;
            Path conf = null;
            SocketAddress listen = null;
            long pagecacheMb = 256;
            List<String> list = List.of(args);
            for (int i = 0; i < list.size(); i++) {
                String flag = list.get(i);
                if (i + 1 >= list.size()) {
                    throw new IllegalArgumentException("missing value for " + flag);
                }
                String value = list.get(++i);
                switch (flag) {
                    case "--home" -> home = Path.of(value).toAbsolutePath();
                    case "--listen" -> listen = parseAddress(value);
                    case "--pagecache-mb" -> pagecacheMb = Long.parseLong(value);
                    case "--conf" -> conf = Path.of(value).toAbsolutePath();
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (home == null || listen == null) {
                throw new IllegalArgumentException("--home and --listen are required");
            }
            if (pagecacheMb < 8) {
                throw new IllegalArgumentException("--pagecache-mb must be at least 8");
            }
            String password = System.getenv(PASSWORD_ENV);
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("$" + PASSWORD_ENV + " is not set");
            }
            return new Options(home, listen, pagecacheMb, conf, password);
        }

        private static SocketAddress parseAddress(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new IllegalArgumentException("--listen must be HOST:PORT, got " + value);
            }
            String host = value.substring(0, colon);
            int port = Integer.parseInt(value.substring(colon + 1));
            return new SocketAddress(host, port);
        }
    }
}
