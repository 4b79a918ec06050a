package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The URL forms users bring, and where DATABASE_URL sits among the other sources. */
class DatabaseUrlTest {
    @TempDir
    Path dir;

    @Test
    void userStyleUrlsBecomeJdbcUrlsWithTheUserTakenOut() {
        assertThat(DatabaseUrl.parse("postgres://app@db.internal:5432/shop?sslmode=require"))
                .isEqualTo(new DatabaseUrl("jdbc:postgresql://db.internal:5432/shop?sslmode=require", Optional.of("app"),
                        Optional.empty()));
        assertThat(DatabaseUrl.parse("postgresql://localhost/shop").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/shop");
        assertThat(DatabaseUrl.parse("mysql://root@127.0.0.1:3306/shop").jdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:3306/shop");
        assertThat(DatabaseUrl.parse("mariadb://u@h/shop").jdbcUrl()).isEqualTo("jdbc:mariadb://h/shop");
        assertThat(DatabaseUrl.parse("mysql2://u@h/shop").jdbcUrl()).isEqualTo("jdbc:mysql://h/shop");      // Rails
        assertThat(DatabaseUrl.parse("postgis://u@h/geo").jdbcUrl()).isEqualTo("jdbc:postgresql://h/geo"); // Django
        assertThat(DatabaseUrl.parse("postgres://u@[::1]:5432/shop").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/shop");
        assertThat(DatabaseUrl.parse("sqlite:///data/app.db").jdbcUrl()).isEqualTo("jdbc:sqlite:data/app.db");
        assertThat(DatabaseUrl.parse("sqlite:////var/lib/app.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/app.db");
        assertThat(DatabaseUrl.parse("jdbc:h2:./app").jdbcUrl()).isEqualTo("jdbc:h2:./app");
    }

    @Test
    void percentEncodedUserAndPasswordAreDecoded() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app%40corp:p%40ss%3Aw+rd@h:5432/shop");
        assertThat(url.user()).contains("app@corp");
        assertThat(url.password()).contains("p@ss:w+rd");
        assertThat(url.toString()).doesNotContain("p@ss");
    }

    @Test
    void unknownOrIncompleteUrlsAreRefusedSayingWhatWorks() {
        assertThatThrownBy(() -> DatabaseUrl.parse("oracle://h/x")).hasMessageContaining("postgres://user@host:5432/app");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres://h:5432")).hasMessageContaining("names no database");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres:///shop")).hasMessageContaining("names no host");
        assertThatThrownBy(() -> DatabaseUrl.parse("sqlite://app.db")).hasMessageContaining("sqlite:///relative/path.db");
    }

    @Test
    void precedenceIsDbThenBackupkitDbUrlThenDatabaseUrlThenTheFile() throws Exception {
        Files.writeString(dir.resolve("backupkit.yml"), "db:\n  url: sqlite:///file.db\n");
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", "postgres://heroku:secret@h/app"));
        Settings s = Settings.load(null, Map.of(), env, dir);
        assertThat(s.databaseUrl().orElseThrow().jdbcUrl()).isEqualTo("jdbc:postgresql://h/app");
        assertThat(s.databaseUser()).contains("heroku");
        assertThat(s.password().orElseThrow().value()).isEqualTo("secret");
        assertThat(s.password().orElseThrow().source()).isEqualTo("env DATABASE_URL");

        env.put("BACKUPKIT_DB_URL", "sqlite:///env.db");
        assertThat(Settings.load(null, Map.of(), env, dir).get("db.url")).contains("sqlite:///env.db");
        Map<String, Object> flags = new HashMap<>(Map.of("db.url --db", "mysql://u@h/flag"));
        assertThat(Settings.load(null, flags, env, dir).databaseUrl().orElseThrow().jdbcUrl()).isEqualTo("jdbc:mysql://h/flag");
        assertThat(Settings.load(null, Map.of(), Map.of(), dir).get("db.url")).contains("sqlite:///file.db");
    }

    @Test
    void aPasswordIsAllowedInDatabaseUrlOnly() {
        Map<String, Object> flags = new HashMap<>(Map.of("db.url --db", "postgres://u:secret@h/app"));
        assertThatThrownBy(() -> Settings.load(null, flags, Map.of(), dir))
                .hasMessageContaining("contains a password").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> Settings.load(null, Map.of(), Map.of("BACKUPKIT_DB_URL", "mysql://u:secret@h/app"), dir))
                .hasMessageContaining("contains a password");
    }

    @Test
    void aUserGivenTwiceDifferentlyIsRefused() {
        Map<String, Object> flags = new HashMap<>(Map.of("db.url --db", "postgres://alice@h/app", "db.user --db-user", "bob"));
        assertThatThrownBy(() -> Settings.load(null, flags, Map.of(), dir).databaseUser())
                .hasMessageContaining("given twice").hasMessageContaining("alice").hasMessageContaining("bob");
    }
}
