package io.backupkit.core;

import io.backupkit.api.BackupId;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupType;
import io.backupkit.api.Compression;
import io.backupkit.api.FileRestoreMode;
import io.backupkit.api.FileSet;
import io.backupkit.api.MergeConflictPolicy;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RetentionPolicy;
import io.backupkit.api.RetentionRules;
import io.backupkit.api.TableSelection;
import io.backupkit.testkit.BuilderAssertions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The request and rule builders fail as Caffeine's do: a bad argument at the setter (IllegalArgumentException), a
 * setting given twice or two that exclude each other at the second call (IllegalStateException), what needs the whole
 * picture at build() (ConfigurationException); every message names the setting to change.
 */
class RequestBuildersTest {
    private static final BackupId ID = BackupId.of("20260101T000000Z-full-0000");

    @Test
    void restoreRequest() {
        BuilderAssertions.of(() -> RestoreRequest.builder(ID))
                .badArgument(b -> b.actor(" "), "actor")
                .badArgument(b -> b.mapSchema("", "staging"), "mapSchema")
                .badArgument(b -> b.filesTarget(" ", Path.of("/tmp/x")), "filesTarget")
                .twice(b -> b.mode(RestoreMode.MERGE), "mode")
                .twice(b -> b.tables(TableSelection.ALL), "tables")
                .twice(b -> b.filesMode(FileRestoreMode.MERGE), "filesMode")
                .twice(b -> b.safetyBackup(false), "safetyBackup")
                .twice(b -> b.validateOnly(true), "validateOnly")
                .twice(b -> b.actor("ops"), "actor")
                .twice(b -> b.mergeConflicts(MergeConflictPolicy.FAIL), "mergeConflicts")
                .twice(b -> b.filesTarget(Path.of("/tmp/x")), "filesTarget")
                .twice(b -> b.mapSchema("prod", "staging"), "mapSchema", "prod")
                .conflict(RestoreRequest.Builder::databaseOnly, RestoreRequest.Builder::filesOnly,
                        "databaseOnly()", "filesOnly()")
                .atBuild(b -> b.overwriteExisting(false), RestoreRequest.Builder::build, "overwriteExisting", "filesMode")
                .atBuild(b -> b.databaseOnly().filesTarget(Path.of("/tmp/x")), RestoreRequest.Builder::build,
                        "files target");
    }

    @Test
    void backupRequest() {
        BuilderAssertions.of(() -> BackupRequest.builder(BackupType.FULL))
                .badArgument(b -> b.tag(""), "tag")
                .badArgument(b -> b.tag("x".repeat(65)), "tag")
                .badArgument(b -> b.actor(""), "actor")
                .twice(b -> b.name("nightly"), "name")
                .twice(b -> b.notes("n"), "notes")
                .twice(b -> b.tables(TableSelection.ALL), "tables")
                .twice(b -> b.compression(Compression.DEFAULT), "compression")
                .twice(b -> b.actor("ops"), "actor")
                .twice(b -> b.allowIncomplete(true), "allowIncomplete");
    }

    @Test
    void fileSet() {
        BuilderAssertions.of(FileSet::builder)
                .twice(b -> b.followSymlinks(true), "followSymlinks")
                .twice(b -> b.oneFileSystem(true), "oneFileSystem")
                .twice(b -> b.root("media", Path.of("/srv/a")), "media")
                .atBuild(b -> b.include("*.jpg"), FileSet.Builder::build, "root");
    }

    @Test
    void retentionRules() {
        RetentionPolicy last3 = RetentionPolicy.builder().keepLast(3).build();
        BuilderAssertions.of(RetentionRules::builder)
                .twice(b -> b.defaultPolicy(last3), "defaultPolicy")
                .twice(b -> b.perType(true), "perType")
                .twice(b -> b.policy(BackupType.FULL, last3), "FULL")
                .atBuild(b -> b.perType(true), RetentionRules.Builder::build, "default policy");
        BuilderAssertions.of(RetentionPolicy::builder)
                .badArgument(b -> b.keepLast(-1), "keepLast")
                .twice(b -> b.keepLast(3), "keepLast");
    }
}
