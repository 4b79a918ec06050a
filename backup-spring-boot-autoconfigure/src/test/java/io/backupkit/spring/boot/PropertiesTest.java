package io.backupkit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupType;
import io.backupkit.api.HealthReport;
import io.backupkit.api.HistoryQuery;
import io.backupkit.api.Manifest;
import io.backupkit.api.Operation;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.BackupKit;
import io.backupkit.testkit.InMemoryStorageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Acceptance 6: each documented {@code backupkit.*} key has an effect (one test per group), and a wrong value fails
 * start-up with a message naming the property.
 */
class PropertiesTest {
    @TempDir
    Path tmp;
    Path media;
    SQLiteDataSource db;

    @BeforeEach
    void setUp() throws Exception {
        media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "alpha");
        Files.writeString(media.resolve("b.log"), "log line");
        Files.createDirectories(media.resolve("cache"));
        Files.writeString(media.resolve("cache/c.txt"), "cached");
        db = new SQLiteDataSource();
        db.setUrl("jdbc:sqlite:" + tmp.resolve("app.db"));
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT)");
            st.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT)");
            st.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
            st.execute("INSERT INTO audit VALUES (1, 'x')");
        }
    }

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(BackupKitAutoConfiguration.class))
                .withBean(DataSource.class, () -> db)
                .withPropertyValues("backupkit.storage=" + tmp.resolve("backups").toUri(),
                        "backupkit.files.roots.media=" + media);
    }

    static Manifest full(BackupEngine engine) {
        return engine.backup(BackupType.FULL).manifest();
    }

    // ------------------------------------------------------------------ storage, enabled, parallelism

    @Test
    void storageIsWhereBackupsGoAndAHostStorageProviderWins() {
        runner().run(ctx -> {
            full(ctx.getBean(BackupEngine.class));
            assertThat(tmp.resolve("backups/backups")).isDirectory();
        });
        InMemoryStorageProvider host = new InMemoryStorageProvider();
        runner().withBean(StorageProvider.class, () -> host).run(ctx -> {
            Manifest m = full(ctx.getBean(BackupEngine.class));
            assertThat(host.list("backups/" + m.id() + "/").toList()).isNotEmpty();
        });
    }

    @Test
    void anUnknownStorageSchemeOrAnEmptyStorageFailsStartUpNamingTheProperty() {
        runner().withPropertyValues("backupkit.storage=ftp://example.org/x").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.storage: ")
                        .hasStackTraceContaining("ftp"));
        runner().withPropertyValues("backupkit.storage= ").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.storage: is empty"));
    }

    @Test
    void enabledFalseTurnsEverythingOffAndAHostEngineWins() {
        runner().withPropertyValues("backupkit.enabled=false").run(ctx -> assertThat(ctx).doesNotHaveBean(BackupEngine.class));
        BackupEngine own = BackupKit.builder().storage(new InMemoryStorageProvider()).build();
        runner().withBean(BackupEngine.class, () -> own).run(ctx -> assertThat(ctx.getBean(BackupEngine.class)).isSameAs(own));
    }

    @Test
    void parallelismReachesTheDumper() {
        RecordingDumper dumper = new RecordingDumper();
        runner().withBean(io.backupkit.api.spi.DatabaseDumper.class, () -> dumper)
                .withPropertyValues("backupkit.parallelism=3").run(ctx -> {
                    full(ctx.getBean(BackupEngine.class));
                    assertThat(dumper.parallelism.get()).isEqualTo(3);
                });
        runner().withPropertyValues("backupkit.parallelism=0").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.parallelism: must be between 1 and 64"));
    }

    @Test
    void noProgressTimeoutIsCheckedAtStartUp() {
        runner().withPropertyValues("backupkit.no-progress-timeout=2m").run(ctx ->
                assertThat(full(ctx.getBean(BackupEngine.class)).id()).isNotNull());
        runner().withPropertyValues("backupkit.no-progress-timeout=0s").run(ctx -> assertThat(ctx.getStartupFailure())
                .hasStackTraceContaining("backupkit.no-progress-timeout: must be between 1s and 7d"));
    }

    // ------------------------------------------------------------------ database, files, compression

    @Test
    void databaseKeysChooseTheTablesOrTurnTheDatabaseOff() {
        runner().withPropertyValues("backupkit.database.include=items").run(ctx ->
                assertThat(full(ctx.getBean(BackupEngine.class)).database().orElseThrow().tables())
                        .extracting(Manifest.TableEntry::name).containsExactly("items"));
        runner().withPropertyValues("backupkit.database.exclude=audit").run(ctx ->
                assertThat(full(ctx.getBean(BackupEngine.class)).database().orElseThrow().tables())
                        .extracting(Manifest.TableEntry::name).containsExactly("items"));
        runner().withPropertyValues("backupkit.database.enabled=false").run(ctx -> {
            BackupEngine engine = ctx.getBean(BackupEngine.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.backup(BackupType.DATABASE))
                    .hasMessageContaining("needs a database");
            Manifest m = engine.backup(BackupType.FILES).manifest();
            assertThat(m.database()).isEmpty();
        });
        runner().withPropertyValues("backupkit.database.include=bad name").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.database.include/exclude"));
    }

    @Test
    void filesKeysChooseRootsAndFiles() throws Exception {
        runner().withPropertyValues("backupkit.files.include=**/*.txt,*.txt").run(ctx ->
                assertThat(full(ctx.getBean(BackupEngine.class)).files().orElseThrow().totalBytes())
                        .isEqualTo("alpha".length() + "cached".length()));
        runner().withPropertyValues("backupkit.files.exclude=cache/**").run(ctx -> {
            Manifest.FileRoot root = full(ctx.getBean(BackupEngine.class)).files().orElseThrow().roots().get(0);
            assertThat(root.name()).isEqualTo("media");
            assertThat(root.bytes()).isEqualTo("alpha".length() + "log line".length());
        });
        Path outside = Files.writeString(tmp.resolve("outside.bin"), "x".repeat(1000));
        Files.createSymbolicLink(media.resolve("link"), outside);
        runner().run(ctx -> assertThat(full(ctx.getBean(BackupEngine.class)).files().orElseThrow().totalBytes())
                .isLessThan(1000));
        runner().withPropertyValues("backupkit.files.follow-symlinks=true").run(ctx ->
                assertThat(full(ctx.getBean(BackupEngine.class)).files().orElseThrow().totalBytes()).isGreaterThan(1000));
        runner().withPropertyValues("backupkit.files.exclude=a[").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.files: invalid glob pattern"));
    }

    @Test
    void compressionKeysChooseCodecAndLevel() {
        runner().withPropertyValues("backupkit.compression.codec=gzip", "backupkit.compression.level=2").run(ctx ->
                assertThat(full(ctx.getBean(BackupEngine.class)).objects())
                        .allSatisfy(o -> assertThat(o.compression()).isEqualTo(io.backupkit.api.Compression.gzip(2))));
        runner().withPropertyValues("backupkit.compression.codec=none").run(ctx ->
                assertThat(full(ctx.getBean(BackupEngine.class)).objects())
                        .allSatisfy(o -> assertThat(o.compression()).isEqualTo(io.backupkit.api.Compression.NONE)));
        runner().withPropertyValues("backupkit.compression.codec=lz4").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.compression.codec: unknown codec 'lz4'"));
        runner().withPropertyValues("backupkit.compression.level=30").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.compression.level: "));
    }

    // ------------------------------------------------------------------ schedule

    /** A clock five seconds (plus extra) before the next whole minute, moving with real time: time to start up. */
    static Clock justBeforeAMinute(Duration extra) {
        Instant now = Instant.now();
        Instant nextMinute = now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
        return Clock.offset(Clock.systemUTC(), Duration.between(now, nextMinute.minusSeconds(5)).minus(extra));
    }

    static List<BackupInfo> awaitBackups(BackupEngine engine, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<BackupInfo> all = engine.list();
        while (all.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(200);
            all = engine.list();
        }
        return all;
    }

    @Test
    void theScheduleRunsWithItsTypeAndNameAndAppliesRetention() throws Exception {
        BackupEngine before = BackupKit.builder().storage(tmp.resolve("backups").toUri()).dataSource(db).files(media).build();
        io.backupkit.api.BackupId older = before.backup(BackupType.FULL).id();
        io.backupkit.api.BackupId newer = before.backup(BackupType.FULL).id();
        runner().withBean(BackupKitAutoConfiguration.CLOCK_BEAN, Clock.class, () -> justBeforeAMinute(Duration.ZERO))
                .withPropertyValues("backupkit.schedule.cron=* * * * *", "backupkit.schedule.type=FILES",
                        "backupkit.schedule.name=every-minute", "backupkit.retention.keep-last=1").run(ctx -> {
                    BackupEngine engine = ctx.getBean(BackupEngine.class);
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (engine.history(HistoryQuery.all().withOperation(Operation.CLEANUP)
                            .withStatus(io.backupkit.api.BackupStatus.COMPLETED)).isEmpty() && System.nanoTime() < deadline) {
                        Thread.sleep(200);
                    }
                    List<BackupInfo> left = engine.list();
                    // keep-last=1 per type: the scheduled FILES backup and the newer FULL one stay.
                    assertThat(left).hasSize(2);
                    assertThat(left.get(0).type()).isEqualTo(BackupType.FILES);
                    assertThat(left.get(0).name()).isEqualTo("every-minute");
                    assertThat(left.get(1).id()).isEqualTo(newer);
                    assertThat(engine.find(older)).isEmpty();
                    assertThat(engine.history(HistoryQuery.all().withOperation(Operation.BACKUP)).get(0).actor())
                            .isEqualTo("scheduler");
                });
    }

    @Test
    void twoInstancesOnOneStorageRunEachSlotOnce() throws Exception {
        Clock clock = justBeforeAMinute(Duration.ofSeconds(4)); // both instances are up before the slot
        ApplicationContextRunner instance = runner().withBean(BackupKitAutoConfiguration.CLOCK_BEAN, Clock.class, () -> clock)
                .withPropertyValues("backupkit.schedule.cron=* * * * *", "backupkit.schedule.type=FILES");
        instance.run(first -> instance.run(second -> {
            BackupEngine engine = first.getBean(BackupEngine.class);
            assertThat(awaitBackups(engine, 1)).hasSize(1);
            Thread.sleep(3000);
            assertThat(engine.list()).hasSize(1);
            ScheduledBackupLifecycle a = first.getBean(ScheduledBackupLifecycle.class);
            ScheduledBackupLifecycle b = second.getBean(ScheduledBackupLifecycle.class);
            assertThat(a.scheduler().orElseThrow().runs() + b.scheduler().orElseThrow().runs()).isEqualTo(1);
        }));
    }

    @Test
    void applyRetentionFalseKeepsEverything() throws Exception {
        BackupKit.builder().storage(tmp.resolve("backups").toUri()).files(media).build().backup(BackupType.FILES);
        runner().withBean(BackupKitAutoConfiguration.CLOCK_BEAN, Clock.class, () -> justBeforeAMinute(Duration.ZERO))
                .withPropertyValues("backupkit.schedule.cron=* * * * *", "backupkit.retention.keep-last=1",
                        "backupkit.schedule.apply-retention=false").run(ctx -> {
                    BackupEngine engine = ctx.getBean(BackupEngine.class);
                    assertThat(awaitBackups(engine, 2)).hasSize(2);
                    Thread.sleep(1000);
                    assertThat(engine.list()).hasSize(2);
                });
    }

    @Test
    void theZoneIsHowTheCronIsReadAndTheSchedulerStopsWithTheContext() {
        runner().withPropertyValues("backupkit.schedule.cron=0 3 * * *", "backupkit.schedule.zone=Asia/Tokyo").run(ctx -> {
            ScheduledBackupLifecycle s = ctx.getBean(ScheduledBackupLifecycle.class);
            assertThat(s.isRunning()).isTrue();
            Instant next = s.scheduler().orElseThrow().nextRun()
                    .or(() -> ctx.getBean(PropertySettings.class).schedule().orElseThrow().nextAfter(Instant.now()))
                    .orElseThrow();
            assertThat(next.atZone(ZoneOffset.UTC).getHour()).isEqualTo(18);
            ctx.close();
            assertThat(s.isRunning()).isFalse();
        });
        runner().run(ctx -> assertThat(ctx).doesNotHaveBean(ScheduledBackupLifecycle.class));
    }

    @Test
    void catchUpRunsAMissedSlotAtStartUp() throws Exception {
        // First run: one slot recorded. Then the application is "down" for two minutes; with catch-up it runs the
        // missed slot at once on start.
        runner().withBean(BackupKitAutoConfiguration.CLOCK_BEAN, Clock.class, () -> justBeforeAMinute(Duration.ZERO))
                .withPropertyValues("backupkit.schedule.cron=* * * * *").run(ctx ->
                        assertThat(awaitBackups(ctx.getBean(BackupEngine.class), 1)).hasSize(1));
        Clock later = Clock.offset(justBeforeAMinute(Duration.ZERO), Duration.ofSeconds(150));
        runner().withBean(BackupKitAutoConfiguration.CLOCK_BEAN, Clock.class, () -> later)
                .withPropertyValues("backupkit.schedule.cron=* * * * *", "backupkit.schedule.catch-up=true").run(ctx ->
                        assertThat(awaitBackups(ctx.getBean(BackupEngine.class), 2)).hasSize(2));
    }

    @Test
    void theStartUpReportNamesThePropertyAndWhatToDo() {
        runner().withPropertyValues("backupkit.schedule.cron=every night").run(ctx -> {
            org.springframework.boot.diagnostics.FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer()
                    .analyze(ctx.getStartupFailure());
            assertThat(analysis.getDescription()).startsWith("BackupKit cannot start: backupkit.schedule.cron: ");
            assertThat(analysis.getAction()).contains("backupkit.schedule.cron");
        });
    }

    @Test
    void aBadCronFailsStartUpNamingTheProperty() {
        runner().withPropertyValues("backupkit.schedule.cron=61 * * * *").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.schedule.cron: "));
        runner().withPropertyValues("backupkit.schedule.cron=0 0 3 * * *").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.schedule.cron: '0 0 3 * * *' has 6 fields"));
        runner().withPropertyValues("backupkit.schedule.cron=0 3 * * *", "backupkit.schedule.type=SAFETY").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.schedule.type: "));
    }

    // ------------------------------------------------------------------ retention, health, web

    @Test
    void retentionRulesAreTheDefaultPlan() {
        runner().withPropertyValues("backupkit.retention.keep-last=2", "backupkit.retention.keep-within=1d",
                "backupkit.retention.keep-daily=1", "backupkit.retention.keep-weekly=1", "backupkit.retention.keep-monthly=1",
                "backupkit.retention.keep-yearly=1", "backupkit.retention.max-count=2", "backupkit.retention.max-size=1GB")
                .run(ctx -> {
                    io.backupkit.api.RetentionPolicy p = ctx.getBean(PropertySettings.class).retention().orElseThrow()
                            .policyFor(BackupType.FULL).orElseThrow();
                    assertThat(p).isEqualTo(new io.backupkit.api.RetentionPolicy(2, java.util.Optional.of(Duration.ofDays(1)),
                            1, 1, 1, 1, 2, 1L << 30));
                });
        runner().withPropertyValues("backupkit.retention.keep-last=1").run(ctx -> {
            BackupEngine engine = ctx.getBean(BackupEngine.class);
            engine.backup(BackupType.FILES);
            engine.backup(BackupType.FILES);
            engine.backup(BackupType.FILES);
            assertThat(engine.planRetention(ctx.getBean(PropertySettings.class).retention().orElseThrow()).delete()).hasSize(2);
        });
    }

    @Test
    void negativeRetentionFailsStartUpNamingTheProperty() {
        for (String key : List.of("keep-last", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly", "max-count")) {
            runner().withPropertyValues("backupkit.retention." + key + "=-1").run(ctx ->
                    assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.retention." + key
                            + ": must be 1 or more, was -1"));
        }
        runner().withPropertyValues("backupkit.retention.keep-within=-1d").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.retention.keep-within: "));
        runner().withPropertyValues("backupkit.retention.max-size=-5MB").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.retention.max-size: "));
    }

    @Test
    void healthKeysSetTheThresholds() {
        MutableClock clock = new MutableClock(Instant.now());
        runner().withBean(BackupKitAutoConfiguration.CLOCK_BEAN, Clock.class, () -> clock)
                .withPropertyValues("backupkit.health.max-age=1h", "backupkit.health.max-stored-size=10B").run(ctx -> {
                    BackupEngine engine = ctx.getBean(BackupEngine.class);
                    engine.backup(BackupType.FILES);
                    assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                            .containsExactly(HealthReport.Kind.STORAGE_OVER_LIMIT);
                    clock.advance(Duration.ofMinutes(61));
                    assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                            .contains(HealthReport.Kind.STALE_BACKUP);
                });
        RecordingDumper failing = new RecordingDumper();
        failing.fail = true;
        runner().withBean(io.backupkit.api.spi.DatabaseDumper.class, () -> failing)
                .withPropertyValues("backupkit.health.failed-runs-in-a-row=1", "backupkit.storage=" + tmp.resolve("b2").toUri())
                .run(ctx -> {
                    BackupEngine engine = ctx.getBean(BackupEngine.class);
                    engine.backup(BackupType.FILES);
                    assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                            .doesNotContain(HealthReport.Kind.FAILING_RUNS);
                    try {
                        engine.backup(BackupType.DATABASE);
                    } catch (io.backupkit.api.BackupException expected) {
                        // the dumper fails the run
                    }
                    assertThat(engine.health().problems()).extracting(HealthReport.Problem::kind)
                            .contains(HealthReport.Kind.FAILING_RUNS);
                });
        runner().withPropertyValues("backupkit.health.failed-runs-in-a-row=0").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.health.failed-runs-in-a-row: "));
        runner().withPropertyValues("backupkit.health.max-age=0s").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.health.max-age: "));
    }

    @Test
    void wrongWebValuesFailStartUpNamingTheProperty() {
        runner().withPropertyValues("backupkit.web.max-upload-size=0").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.web.max-upload-size: "));
        runner().withPropertyValues("backupkit.web.base-path=admin").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.web.base-path: "));
        runner().withPropertyValues("backupkit.web.authority= ").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("backupkit.web.authority: "));
    }

    @Test
    void engineEventsArePublishedAsApplicationEvents() {
        List<BackupKitApplicationEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner().withBean("recorder", org.springframework.context.ApplicationListener.class,
                        () -> (org.springframework.context.ApplicationListener<BackupKitApplicationEvent>) seen::add)
                .run(ctx -> {
                    ctx.getBean(BackupEngine.class).backup(BackupRequest.of(BackupType.FILES));
                    assertThat(seen).extracting(e -> e.getEvent().getClass().getSimpleName())
                            .contains("Started", "Finished");
                });
    }
}
