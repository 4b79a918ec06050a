package io.backupkit.testkit.db;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Public sample databases the fidelity tests load unmodified, as Debian packages install them (nothing of them is
 * copied into the repository): MariaDB's regression suite ({@value #MARIADB_TEST_DATA}) ships the classic
 * {@code world} database and real {@code mariadb-dump} outputs. A missing file skips the test with the command that
 * installs it on a developer machine and fails it under {@code CI=true} ({@code .ci/run} installs the package).
 */
public final class SampleDatabases {
    /** The Debian package holding MariaDB's test data. */
    public static final String MARIADB_TEST_DATA = "mariadb-test-data";
    /** Where it installs the suite. */
    public static final Path MYSQL_TEST = Path.of("/usr/share/mysql/mysql-test");

    private SampleDatabases() {
    }

    /** A file of MariaDB's test suite, e.g. {@code include/world.inc}; skips or fails as above when it is missing. */
    public static Path mariadbTestFile(String relative) {
        return file(MYSQL_TEST.resolve(relative), MARIADB_TEST_DATA, System.getenv());
    }

    static Path file(Path p, String debianPackage, java.util.Map<String, String> environment) {
        if (!Files.isRegularFile(p)) {
            throw DatabaseServers.missing("the sample database file " + p + " is not installed: install it with "
                    + "'sudo apt-get install -y " + debianPackage + "'", environment);
        }
        return p;
    }
}
