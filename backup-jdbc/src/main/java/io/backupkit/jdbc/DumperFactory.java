package io.backupkit.jdbc;

import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DatabaseDumperFactory;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link DatabaseDumperFactory} given by its four values: the dumper's name, the JDBC product names it handles,
 * its priority and how to create a dumper. Every dumper of this module registers through a subclass, so adding an
 * engine means writing one constructor call, not a class of overrides; {@link java.util.ServiceLoader} needs a
 * public class with a public no-argument constructor, which is why this is a base class rather than a factory
 * method:
 *
 * <pre>{@code
 * public static final class Factory extends DumperFactory {
 *     public Factory() {
 *         super(H2Dumper.NAME, "H2"::equalsIgnoreCase, 0, H2Dumper::new);
 *     }
 * }
 * }</pre>
 *
 * listed in {@code META-INF/services/io.backupkit.api.spi.DatabaseDumperFactory}. See docs/ARCHITECTURE.md,
 * "Adding a database engine".
 */
public abstract class DumperFactory implements DatabaseDumperFactory {
    /** For dumpers that restore the backups naming them but are never picked for a new backup by product name. */
    protected static final Predicate<String> NO_PRODUCT = product -> false;

    private final String name;
    private final Predicate<String> products;
    private final int priority;
    private final Supplier<? extends DatabaseDumper> constructor;

    /**
     * @param name        the dumpers' {@link DatabaseDumper#name()}, as manifests record it
     * @param products    which {@link java.sql.DatabaseMetaData#getDatabaseProductName() product names} it handles
     * @param priority    higher wins among factories for the same product; the generic fallback is negative
     * @param constructor creates a dumper with its default settings
     */
    protected DumperFactory(String name, Predicate<String> products, int priority,
                            Supplier<? extends DatabaseDumper> constructor) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was " + (name == null ? "null" : "'" + name + "'"));
        }
        this.name = name;
        this.products = Objects.requireNonNull(products, "products");
        this.priority = priority;
        this.constructor = Objects.requireNonNull(constructor, "constructor");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean supports(String databaseProductName) {
        return products.test(databaseProductName);
    }

    @Override
    public final int priority() {
        return priority;
    }

    @Override
    public final DatabaseDumper create() {
        return constructor.get();
    }
}
