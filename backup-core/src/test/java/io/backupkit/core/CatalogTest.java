package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupId;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupNotFoundException;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupType;
import io.backupkit.api.Operation;
import io.backupkit.testkit.InMemoryStorageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {
    @TempDir
    Path tmp;
    Path media;
    InMemoryStorageProvider storage;
    MutableClock clock;
    List<BackupEvent> events;
    BackupEngine engine;

    @BeforeEach
    void setUp() throws IOException {
        media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        storage = new InMemoryStorageProvider();
        clock = new MutableClock(Instant.parse("2026-01-01T02:00:00Z"));
        events = new CopyOnWriteArrayList<>();
        engine = BackupKit.builder().storage(storage).files(media).clock(clock)
                .listener(events::add)
                .listener(e -> {
                    throw new IllegalStateException("a broken listener must not break the operation");
                })
                .build();
    }

    private BackupId backupAt(String time, String name, String... tags) {
        clock.now = Instant.parse(time);
        return engine.backup(BackupRequest.builder(BackupType.FILES).name(name).tag(tags).build()).id();
    }

    @Test
    void listIsNewestFirstAndFiltersByTypeNameTagAndDate() {
        BackupId jan = backupAt("2026-01-10T02:00:00Z", "Nightly", "prod");
        BackupId feb = backupAt("2026-02-10T02:00:00Z", "before upgrade", "prod", "manual");
        BackupId mar = backupAt("2026-03-10T02:00:00Z", "nightly");

        assertThat(engine.list()).extracting(BackupInfo::id).containsExactly(mar, feb, jan);
        assertThat(engine.list(BackupQuery.all().withNameContaining("NIGHT"))).extracting(BackupInfo::id).containsExactly(mar, jan);
        assertThat(engine.list(BackupQuery.all().withTag("manual"))).extracting(BackupInfo::id).containsExactly(feb);
        assertThat(engine.list(BackupQuery.all().createdBetween(Instant.parse("2026-02-01T00:00:00Z"),
                Instant.parse("2026-03-01T00:00:00Z")))).extracting(BackupInfo::id).containsExactly(feb);
        assertThat(engine.list(BackupQuery.all().withType(BackupType.DATABASE))).isEmpty();
        assertThat(engine.list(BackupQuery.all().withLimit(2))).extracting(BackupInfo::id).containsExactly(mar, feb);
        assertThat(jan.value()).startsWith("20260110T020000Z-files-");
    }

    @Test
    void infoCarriesWhatAnAdminPageShows() {
        BackupId id = backupAt("2026-01-10T02:00:00Z", "weird/name<script>", "prod");
        BackupInfo info = engine.list().get(0);
        assertThat(info.id()).isEqualTo(id);
        assertThat(info.name()).isEqualTo("weird_name_script_");
        assertThat(info.files()).as("files, not directories").isEqualTo(1);
        assertThat(info.storedBytes()).isPositive();
        assertThat(engine.find(id)).get().satisfies(m -> assertThat(m.tags()).containsExactly("prod"));
        assertThat(engine.find(BackupId.of("20990101T000000Z-full-0000"))).isEmpty();
    }

    @Test
    void deleteRemovesEveryObjectAndUnknownIdsAreNotFound() {
        BackupId keep = backupAt("2026-01-10T02:00:00Z", "keep");
        BackupId drop = backupAt("2026-01-11T02:00:00Z", "drop");
        long before = ExportImportTest.contents(storage).size();
        engine.delete(drop);
        assertThat(engine.list()).extracting(BackupInfo::id).containsExactly(keep);
        assertThat(ExportImportTest.contents(storage)).hasSize((int) before / 2)
                .allSatisfy((key, sha) -> assertThat(key).startsWith("backups/" + keep.value() + "/"));
        assertThatThrownBy(() -> engine.delete(drop)).isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining(drop.value());
        assertThatThrownBy(() -> engine.verify(drop)).isInstanceOf(BackupNotFoundException.class);
    }

    @Test
    void pinsAreListedSurviveNewEnginesAndGoWithTheBackup() {
        BackupId a = backupAt("2026-01-10T02:00:00Z", "a");
        BackupId b = backupAt("2026-01-11T02:00:00Z", "b");
        engine.pin(a);
        engine.pin(a);
        assertThat(BackupKit.builder().storage(storage).build().list()).extracting(BackupInfo::id, BackupInfo::pinned)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(b, false), org.assertj.core.groups.Tuple.tuple(a, true));
        engine.unpin(a);
        assertThat(engine.list()).noneMatch(BackupInfo::pinned);
        engine.pin(b);
        engine.delete(b);
        assertThat(storage.stat("pins/" + b.value())).isEmpty();
        assertThatThrownBy(() -> engine.pin(b)).isInstanceOf(BackupNotFoundException.class);
    }

    @Test
    void listenersHearStartedAndFinishedAndABrokenListenerBreaksNothing() {
        BackupId id = backupAt("2026-01-10T02:00:00Z", "x");
        engine.verify(id);
        assertThat(events).filteredOn(e -> e instanceof BackupEvent.Started).extracting(BackupEvent::operation)
                .containsExactly(Operation.BACKUP, Operation.VERIFY);
        assertThat(events).filteredOn(e -> e instanceof BackupEvent.Finished).extracting(BackupEvent::operation)
                .containsExactly(Operation.BACKUP, Operation.VERIFY);
        assertThat(events).filteredOn(e -> e instanceof BackupEvent.Progress).isNotEmpty();
    }

    @Test
    void aFailedOperationIsReportedToListeners() {
        assertThatThrownBy(() -> engine.delete(BackupId.of("20990101T000000Z-full-0000")));
        assertThat(events).filteredOn(e -> e instanceof BackupEvent.Failed).singleElement()
                .satisfies(e -> assertThat(((BackupEvent.Failed) e).error()).isInstanceOf(BackupNotFoundException.class));
    }

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }
}
