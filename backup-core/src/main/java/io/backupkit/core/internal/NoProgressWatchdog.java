package io.backupkit.core.internal;

import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupException;
import io.backupkit.api.NoProgressException;
import io.backupkit.api.spi.DatabaseDumper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives up a backup or restore that has stopped making progress (issue 13: a server that accepts and stops
 * answering must not hang the operation and keep the storage lock for ever), without killing a healthy statement
 * that sends nothing for minutes ({@code CREATE INDEX}, {@code VALIDATE CONSTRAINT}).
 *
 * <p><b>What counts as progress.</b> Either of: the operation's counters moved (rows, bytes, tables, files, of the
 * operation and of the operations nested in it, such as a restore's safety backup), or the database server's own
 * account of the operation's sessions changed ({@link DatabaseDumper#serverProgress}: on PostgreSQL
 * {@code pg_stat_activity} and the {@code pg_stat_progress_*} views, on MariaDB {@code PROCESSLIST}). The server is
 * asked on a thread of its own, over a connection of its own; a question that is not answered counts as "nothing
 * known", never as progress, so a poll that hangs on the same dead server cannot keep the operation alive. Socket
 * silence alone is never taken for a hang.
 *
 * <p><b>When nothing moved for {@code noProgressTimeout}</b>, it fails the operation with a {@link
 * NoProgressException}: the operation is cancelled, every connection it holds is aborted ({@link TrackedDataSource};
 * the blocked driver call ends at once with an SQLException) and no new one is given out, and its storage lease is
 * no longer renewed ({@link OperationLock}), so that even a thread stuck outside JDBC cannot keep the lock past one
 * lease ttl. A thread still running a few seconds later is interrupted as a last resort.
 */
final class NoProgressWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NoProgressWatchdog.class);
    private static final long MAX_TICK_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long MIN_TICK_NANOS = Duration.ofMillis(50).toNanos();
    private static final long INTERRUPT_GRACE_NANOS = Duration.ofSeconds(5).toNanos();
    private static final int SERVER_SAID_MAX = 300;

    private final OperationScope scope;
    private final Duration timeout;
    private final Thread operationThread;
    private final List<Events.Tracker> trackers = new CopyOnWriteArrayList<>();
    private final List<TrackedDataSource> dataSources = new CopyOnWriteArrayList<>();
    private final List<ServerWatch> servers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService ticker;
    private final ExecutorService polls;
    private final Object state = new Object();
    private boolean ended;
    private boolean interrupted;
    private volatile BackupException failure;
    private volatile long trippedAt;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile Instant lastProgressAt = Instant.now();
    private long lastMoved = -1;

    private NoProgressWatchdog(OperationScope scope, Duration timeout) {
        this.scope = scope;
        this.timeout = timeout;
        this.operationThread = Thread.currentThread();
        this.ticker = Executors.newSingleThreadScheduledExecutor(JobThreads.daemon("backupkit-watchdog-" + scope.id));
        this.polls = Executors.newCachedThreadPool(JobThreads.daemon("backupkit-progress-poll-" + scope.id));
        long tick = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, timeout.toNanos() / 5));
        ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.NANOSECONDS);
    }

    /** Starts watching the operation that runs in the calling thread, whose counters are {@code scope.tracker}. */
    static NoProgressWatchdog start(OperationScope scope, Duration timeout) {
        NoProgressWatchdog w = new NoProgressWatchdog(scope, timeout);
        w.watch(scope.tracker);
        return w;
    }

    /** {@code ds} tracked by the operation's watchdog ({@link #track}), or as it is when the operation has none. */
    static DataSource track(OperationScope scope, DataSource ds) {
        NoProgressWatchdog w = scope.watchdog;
        return w == null || ds == null ? ds : w.track(ds);
    }

    /** {@link #askServer} of the operation's watchdog, if it has one. */
    static void askServer(OperationScope scope, DatabaseDumper dumper, DataSource ds) {
        NoProgressWatchdog w = scope.watchdog;
        if (w != null && dumper != null) {
            w.askServer(dumper, ds);
        }
    }

    /** Counts this tracker's counters too (a nested operation's). */
    void watch(Events.Tracker tracker) {
        trackers.add(tracker);
    }

    /** The DataSource to hand the dumper: its connections are aborted if the operation is given up. Idempotent. */
    DataSource track(DataSource ds) {
        if (ds instanceof TrackedDataSource t && dataSources.contains(t)) {
            return t;
        }
        TrackedDataSource t = new TrackedDataSource(ds);
        dataSources.add(t);
        if (failure != null) {
            t.abortAll(failure.getMessage());
        }
        return t;
    }

    /** Also asks {@code dumper} what the server is doing for the sessions of {@code ds} (a tracked DataSource). */
    void askServer(DatabaseDumper dumper, DataSource ds) {
        if (ds instanceof TrackedDataSource t && servers.stream().noneMatch(s -> s.sessions == t && s.dumper == dumper)) {
            t.abortWith(dumper);
            servers.add(new ServerWatch(dumper, t));
        }
    }

    /** Whether the operation was given up: from then on its lease is not renewed. */
    boolean tripped() {
        return failure != null;
    }

    /**
     * The failure to report for an operation that ended with {@code ended} after it was given up: the watchdog's
     * message first, then how the operation ended (a restore's rollback outcome), with {@code ended} as the cause.
     */
    BackupException failure(BackupException ended) {
        BackupException f = failure;
        if (f == null || ended == f) {
            return ended;
        }
        return new NoProgressException(f.getMessage() + " Then: " + ended.getMessage(), ended);
    }

    private void tick() {
        try {
            long moved = trackers.stream().mapToLong(Events.Tracker::moved).sum();
            if (moved != lastMoved) {
                lastMoved = moved;
                progressed();
            }
            servers.forEach(ServerWatch::poll);
            long now = System.nanoTime();
            if (failure == null && now - lastProgressNanos >= timeout.toNanos()) {
                trip(Duration.ofNanos(now - lastProgressNanos));
            } else if (failure != null && now - trippedAt >= INTERRUPT_GRACE_NANOS) {
                interruptOnce();
            }
        } catch (RuntimeException e) {
            LOG.warn("the no-progress watchdog of {} failed a check; it checks again", scope.id, e);
        }
    }

    private void progressed() {
        lastProgressNanos = System.nanoTime();
        lastProgressAt = Instant.now();
    }

    private void trip(Duration idle) {
        synchronized (state) {
            if (ended || failure != null) {
                return;
            }
            String message = message(idle);
            failure = new NoProgressException(message);
            trippedAt = System.nanoTime();
            LOG.error("{}", message);
            scope.cancel();
            dataSources.forEach(d -> d.abortAll(message));
        }
    }

    /** Last resort for a thread stuck outside JDBC (a storage read): only while the operation still runs. */
    private void interruptOnce() {
        synchronized (state) {
            if (!ended && !interrupted) {
                interrupted = true;
                LOG.warn("{} {} still runs {} s after it was given up; interrupting its thread", scope.operation, scope.id,
                        TimeUnit.NANOSECONDS.toSeconds(INTERRUPT_GRACE_NANOS));
                operationThread.interrupt();
            }
        }
    }

    private String message(Duration idle) {
        String op = scope.operation.name().toLowerCase(Locale.ROOT);
        String doing = trackers.get(0).lastProgress().map(NoProgressWatchdog::describe)
                .orElse("before its first progress report");
        String server = servers.isEmpty() ? "the database server could not be asked"
                : servers.stream().map(s -> s.said).filter(s -> !s.isEmpty()).findFirst()
                .map(s -> "the database server reported no work for its sessions (last: "
                        + (s.length() > SERVER_SAID_MAX ? s.substring(0, SERVER_SAID_MAX) + "..." : s) + ")")
                .orElse("the database server reported no work for its sessions or did not answer");
        return op + " " + scope.id + scope.backupId.map(id -> " of " + id).orElse("") + " made no progress for "
                + idle.toSeconds() + " s (noProgressTimeout " + timeout + "): nothing moved since " + lastProgressAt
                + ", " + doing + ", and " + server + ". It was given up: its database connections were aborted and its "
                + "storage lock is no longer renewed. Check that the database server and the storage answer; if they "
                + "are merely this slow, raise noProgressTimeout (BackupKit.builder().noProgressTimeout(...), CLI "
                + "--no-progress-timeout, Spring Boot backupkit.no-progress-timeout).";
    }

    private static String describe(BackupEvent.Progress p) {
        return "after " + p.rows() + " rows, " + p.tables() + " tables, " + p.bytes() + " bytes and " + p.files()
                + " files";
    }

    /** Stops watching; called when the operation ends, from its thread. Clears an interrupt the watchdog made. */
    @Override
    public void close() {
        synchronized (state) {
            ended = true;
            if (interrupted) {
                Thread.interrupted();
            }
        }
        ticker.shutdownNow();
        polls.shutdownNow();
        servers.forEach(s -> s.pollConnections.abortAll("the operation has ended"));
    }

    /** One database the operation works on, and the last thing its server said about the operation's sessions. */
    private final class ServerWatch {
        final DatabaseDumper dumper;
        final TrackedDataSource sessions;
        /** The polls' own connections: never counted as the operation's sessions, aborted when it ends. */
        final TrackedDataSource pollConnections;
        final AtomicReference<Future<?>> inFlight = new AtomicReference<>();
        volatile String last;
        volatile String said = "";

        ServerWatch(DatabaseDumper dumper, TrackedDataSource sessions) {
            this.dumper = dumper;
            this.sessions = sessions;
            this.pollConnections = new TrackedDataSource(sessions.delegate());
            pollConnections.abortWith(dumper);
        }

        /** Starts a poll unless one is still waiting for its answer (which then counts as nothing known). */
        void poll() {
            Future<?> f = inFlight.get();
            if (f != null && !f.isDone() || sessions.openConnections().isEmpty()) {
                return;
            }
            inFlight.set(polls.submit(() -> {
                Optional<String> now;
                try {
                    now = dumper.serverProgress(pollConnections, sessions.openConnections());
                } catch (RuntimeException | Error e) {
                    LOG.debug("asking {} for its progress failed: {}", dumper.name(), e.toString());
                    now = Optional.empty();
                }
                now.ifPresent(signature -> {
                    String before = last;
                    last = signature;
                    said = signature;
                    if (before != null && !before.equals(signature) && failure == null) {
                        progressed();
                    }
                });
            }));
        }
    }
}
