package io.backupkit.jdbc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The neutral schema model stored as {@code db/schema.json} with every JDBC dump. It describes what restore needs to
 * rebuild the backed-up tables on the same engine (and what the pre-checks compare against a target): tables,
 * columns (native type as the engine spells it, {@link java.sql.Types} code, size, scale, nullability, default,
 * identity), keys, indexes, sequences with their current value, views, and optional user types (enum, domain).
 * Absent values are {@code null} in JSON; lists are never null.
 *
 * @param format         model version, {@link #FORMAT}
 * @param product        database product name, e.g. {@code H2}
 * @param productVersion product version string
 * @param defaultSchema  the schema (or MySQL database) the dump connection was in; on restore it maps to the
 *                       target connection's schema unless the caller maps it explicitly. Empty where none (SQLite).
 * @param tables         the dumped tables, in foreign-key-safe load order
 * @param sequences      standalone and identity-backing sequences of the dumped schemas
 * @param views          views whose definition could be read
 * @param types          user-defined enum and domain types (PostgreSQL), may be empty
 * @param objects        every other database object (functions, triggers, policies, events, extensions, comments,
 *                       grants, ...), as the engine's own DDL, in the catalog's dependency order; empty in format 1
 */
public record SchemaModel(int format, String product, String productVersion, String defaultSchema, List<Table> tables,
                          List<Sequence> sequences, List<View> views, List<UserType> types, List<DbObject> objects) {
    /** The model version this code writes (2: {@link #objects()} added; format 1 backups still restore). */
    public static final int FORMAT = 2;

    public SchemaModel {
        if (format < 1) {
            throw new IllegalArgumentException("schema model format must be >= 1, was " + format);
        }
        product = Objects.requireNonNullElse(product, "");
        productVersion = Objects.requireNonNullElse(productVersion, "");
        defaultSchema = Objects.requireNonNullElse(defaultSchema, "");
        tables = copy(tables);
        sequences = copy(sequences);
        views = copy(views);
        types = copy(types);
        objects = copy(objects);
    }

    /** A model without {@link #objects()} (what format 1 held). */
    public SchemaModel(int format, String product, String productVersion, String defaultSchema, List<Table> tables,
                       List<Sequence> sequences, List<View> views, List<UserType> types) {
        this(format, product, productVersion, defaultSchema, tables, sequences, views, types, List.of());
    }

    /** The table with this schema and name (exact), if present. */
    public Optional<Table> table(String schema, String name) {
        String s = Objects.requireNonNullElse(schema, "");
        return tables.stream().filter(t -> t.schema().equals(s) && t.name().equals(name)).findFirst();
    }

    static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /**
     * One table.
     *
     * @param schema            schema / MySQL database; empty where the engine has none
     * @param name              table name, exactly as stored
     * @param columns           columns in ordinal order
     * @param primaryKey        the primary key, or null
     * @param uniqueKeys        unique constraints (not the primary key)
     * @param foreignKeys       foreign keys of this table
     * @param indexes           non-constraint indexes
     * @param checks            check constraints, with engine-native expressions
     * @param autoIncrementNext the next auto-increment value where the engine keeps one per table (MySQL, SQLite)
     * @param options           engine-specific table options (e.g. {@code engine=InnoDB}, {@code without_rowid=true})
     */
    public record Table(String schema, String name, List<Column> columns, Key primaryKey, List<Key> uniqueKeys,
                        List<ForeignKey> foreignKeys, List<Index> indexes, List<Check> checks, Long autoIncrementNext,
                        Map<String, String> options) {
        public Table {
            schema = Objects.requireNonNullElse(schema, "");
            Objects.requireNonNull(name, "table name");
            columns = copy(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("table " + name + " has no columns");
            }
            uniqueKeys = copy(uniqueKeys);
            foreignKeys = copy(foreignKeys);
            indexes = copy(indexes);
            checks = copy(checks);
            options = options == null ? Map.of() : Map.copyOf(options);
        }

        /** {@code schema.name} or just {@code name}. */
        public String qualifiedName() {
            return schema.isEmpty() ? name : schema + "." + name;
        }

        public Optional<Column> column(String columnName) {
            return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
        }

        /**
         * The key MERGE matches rows by: the primary key, and only it. (A unique key would let MariaDB's
         * {@code ON DUPLICATE KEY UPDATE} overwrite a row with another primary key.)
         */
        public Optional<Key> mergeKey() {
            return Optional.ofNullable(primaryKey);
        }

        /** This table under another name in the same schema (a staging table, a table moved aside). */
        public Table named(String otherName) {
            return new Table(schema, otherName, columns, primaryKey, uniqueKeys, foreignKeys, indexes, checks,
                    autoIncrementNext, options);
        }

        /** This table under another schema name (restore with schema remapping); foreign keys follow the map. */
        public Table inSchema(String targetSchema, UnaryOperator<String> schemaMap) {
            List<ForeignKey> fks = new ArrayList<>();
            for (ForeignKey fk : foreignKeys) {
                fks.add(new ForeignKey(fk.name(), fk.columns(), schemaMap.apply(fk.referencedSchema()), fk.referencedTable(),
                        fk.referencedColumns(), fk.onUpdate(), fk.onDelete(), fk.deferrable()));
            }
            return new Table(targetSchema, name, columns, primaryKey, uniqueKeys, fks, indexes, checks, autoIncrementNext, options);
        }
    }

    /**
     * One column.
     *
     * @param name          column name, exactly as stored
     * @param nativeType    the type as the engine spells it in DDL, with length/precision (e.g. {@code varchar(40)},
     *                      {@code int(10) unsigned}, {@code enum('a','b')}, {@code NUMERIC(30, 10)})
     * @param jdbcType      the {@link java.sql.Types} code the driver reports
     * @param size          length / precision, or null when it does not apply
     * @param scale         scale, or null
     * @param nullable      whether NULL is allowed
     * @param defaultValue  the default as an engine-native SQL expression, or null
     * @param identity      how the engine generates values for it
     * @param generated     the expression of a generated (computed) column, or null; such columns are not dumped
     * @param valueType     how the row codec stores its values
     */
    public record Column(String name, String nativeType, int jdbcType, Integer size, Integer scale, boolean nullable,
                         String defaultValue, Identity identity, String generated, ValueType valueType) {
        public Column {
            Objects.requireNonNull(name, "column name");
            Objects.requireNonNull(nativeType, "native type of column " + name);
            identity = Objects.requireNonNullElse(identity, Identity.NONE);
            Objects.requireNonNull(valueType, "value type of column " + name);
        }

        public boolean isGenerated() {
            return generated != null;
        }
    }

    /** How an engine generates a column's values. */
    public enum Identity {
        NONE,
        /** MySQL AUTO_INCREMENT, SQLite INTEGER PRIMARY KEY AUTOINCREMENT, H2 AUTO_INCREMENT. */
        AUTO_INCREMENT,
        /** SQL identity GENERATED ALWAYS. */
        ALWAYS,
        /** SQL identity GENERATED BY DEFAULT. */
        BY_DEFAULT
    }

    /** A primary or unique key. {@code name} may be null where the engine does not name it. */
    public record Key(String name, List<String> columns) {
        public Key {
            columns = copy(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("key " + name + " has no columns");
            }
        }
    }

    /**
     * A foreign key.
     *
     * @param onUpdate   referential action as SQL ({@code CASCADE}, {@code SET NULL}, ...), null for the default
     * @param onDelete   same for delete
     * @param deferrable whether the constraint is DEFERRABLE (PostgreSQL)
     */
    public record ForeignKey(String name, List<String> columns, String referencedSchema, String referencedTable,
                             List<String> referencedColumns, String onUpdate, String onDelete, boolean deferrable) {
        public ForeignKey {
            columns = copy(columns);
            referencedSchema = Objects.requireNonNullElse(referencedSchema, "");
            Objects.requireNonNull(referencedTable, "referenced table");
            referencedColumns = copy(referencedColumns);
            if (columns.isEmpty() || columns.size() != referencedColumns.size()) {
                throw new IllegalArgumentException("foreign key " + name + " has " + columns.size() + " columns referencing "
                        + referencedColumns.size());
            }
        }

        public String referencedQualifiedName() {
            return referencedSchema.isEmpty() ? referencedTable : referencedSchema + "." + referencedTable;
        }
    }

    /**
     * An index that is not a key constraint.
     *
     * @param columns    indexed columns; an entry may be an expression when {@link IndexColumn#expression()} is set
     * @param definition the engine's own full DDL of the index where it has one (PostgreSQL {@code pg_get_indexdef}),
     *                   used verbatim on the same engine; null otherwise
     */
    public record Index(String name, boolean unique, List<IndexColumn> columns, String definition) {
        public Index {
            Objects.requireNonNull(name, "index name");
            columns = copy(columns);
        }
    }

    /** One part of an index: a column name or, with {@code expression} true, an SQL expression. */
    public record IndexColumn(String name, boolean descending, boolean expression) {
        public IndexColumn {
            Objects.requireNonNull(name, "index column");
        }
    }

    /** A check constraint. */
    public record Check(String name, String expression) {
        public Check {
            Objects.requireNonNull(expression, "check expression");
        }
    }

    /**
     * A sequence.
     *
     * @param lastValue the last value handed out, or null when it was never used (next value is {@code start})
     * @param ownedBy   {@code table.column} the sequence belongs to (identity / serial), or null
     */
    public record Sequence(String schema, String name, String dataType, long start, long increment, Long minValue,
                           Long maxValue, boolean cycle, Long lastValue, String ownedBy) {
        public Sequence {
            schema = Objects.requireNonNullElse(schema, "");
            Objects.requireNonNull(name, "sequence name");
            if (increment == 0) {
                throw new IllegalArgumentException("sequence " + name + " has increment 0");
            }
        }

        public String qualifiedName() {
            return schema.isEmpty() ? name : schema + "." + name;
        }

        /** The value the next call hands out. */
        public long nextValue() {
            return lastValue == null ? start : lastValue + increment;
        }
    }

    /** A view: {@code definition} is the query (what follows {@code AS}). */
    public record View(String schema, String name, String definition, boolean materialized) {
        public View {
            schema = Objects.requireNonNullElse(schema, "");
            Objects.requireNonNull(name, "view name");
            Objects.requireNonNull(definition, "view definition");
        }

        public String qualifiedName() {
            return schema.isEmpty() ? name : schema + "." + name;
        }
    }

    /**
     * A user-defined type: {@code ENUM} with its labels in order, or {@code DOMAIN} over a base type with
     * nullability, default and checks.
     */
    public record UserType(String schema, String name, String kind, List<String> labels, String baseType,
                           boolean notNull, String defaultValue, List<String> checks) {
        public UserType {
            schema = Objects.requireNonNullElse(schema, "");
            Objects.requireNonNull(name, "type name");
            Objects.requireNonNull(kind, "type kind");
            labels = copy(labels);
            checks = copy(checks);
        }
    }

    /** When a {@link DbObject} is created relative to the rows: before them, or after (so loading does not fire it). */
    public enum Phase { PRE_DATA, POST_DATA }

    /**
     * A database object that restore re-creates from the engine's own DDL: function, procedure, aggregate, trigger,
     * rule, policy, event, extension, comment, grant, ... Tables, sequences, views and types keep their own records.
     *
     * @param kind      what it is, lower case as the engine names it: {@code function}, {@code trigger}, {@code event}, ...
     * @param schema    its schema (MySQL: database); empty where the engine has none
     * @param name      its name, with the argument types where the engine overloads names ({@code calc(integer)})
     * @param table     the qualified table it belongs to (trigger, rule, policy), or null: a selective restore brings
     *                  an object when every table it belongs to or depends on is selected
     * @param create    the statements that create it, in order, engine-native
     * @param drop      the statement that drops it if it exists (REPLACE removes it first), or null where none is needed
     * @param dependsOn the {@link #key()}s of objects of this model it needs first (from the catalog's dependency data)
     * @param phase     whether it is created before the rows are loaded or after them
     */
    public record DbObject(String kind, String schema, String name, String table, List<String> create, String drop,
                           List<String> dependsOn, Phase phase) {
        public DbObject {
            Objects.requireNonNull(kind, "object kind");
            schema = Objects.requireNonNullElse(schema, "");
            Objects.requireNonNull(name, "object name");
            create = copy(create);
            dependsOn = copy(dependsOn);
            phase = Objects.requireNonNullElse(phase, Phase.PRE_DATA);
        }

        /** The identity other objects name in {@link #dependsOn()}: {@code kind schema.name}. */
        public String key() {
            return kind + " " + (schema.isEmpty() ? name : schema + "." + name);
        }
    }
}
