package io.backupkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DatabaseDumperFactory;
import io.backupkit.jdbc.h2.H2Dumper;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every dumper of this module registers the one way, {@link DumperFactory}, under its own name. */
class DumperFactoryTest {

    @Test
    void everyRegisteredFactoryOfThisModuleIsADumperFactoryCreatingDumpersOfItsName() {
        List<DatabaseDumperFactory> ours = ServiceLoader.load(DatabaseDumperFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.getClass().getName().startsWith("io.backupkit.jdbc."))
                .toList();
        Map<String, Integer> priorities = ours.stream()
                .collect(Collectors.toMap(DatabaseDumperFactory::name, DatabaseDumperFactory::priority));
        assertThat(priorities).containsOnly(Map.entry("postgresql", 10), Map.entry("pg_dump", 0),
                Map.entry("mariadb", 0), Map.entry("mariadb-dump", 0), Map.entry("sqlite", 0), Map.entry("h2", 0),
                Map.entry("jdbc", -100));
        for (DatabaseDumperFactory f : ours) {
            assertThat(f).as(f.name()).isInstanceOf(DumperFactory.class);
            assertThat(f.create().name()).as(f.name()).isEqualTo(f.name());
        }
    }

    @Test
    void theNativeToolDumpersAreNeverPickedByProductName() {
        for (DatabaseDumperFactory f : ServiceLoader.load(DatabaseDumperFactory.class)) {
            if (f.name().equals("pg_dump") || f.name().equals("mariadb-dump")) {
                assertThat(List.of("PostgreSQL", "MariaDB", "MySQL")).as(f.name()).noneMatch(f::supports);
            }
        }
    }

    @Test
    void aBlankNameOrAMissingPartIsRefusedWhenTheFactoryIsMade() {
        assertThatThrownBy(() -> new TestFactory(" ", p -> true, H2Dumper::new))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> new TestFactory("x", null, H2Dumper::new))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("products");
        assertThatThrownBy(() -> new TestFactory("x", p -> true, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("constructor");
    }

    private static final class TestFactory extends DumperFactory {
        TestFactory(String name, Predicate<String> products, Supplier<? extends DatabaseDumper> constructor) {
            super(name, products, 0, constructor);
        }
    }
}
