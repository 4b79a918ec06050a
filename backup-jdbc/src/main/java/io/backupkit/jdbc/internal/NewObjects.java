package io.backupkit.jdbc.internal;

import io.backupkit.jdbc.internal.SchemaModel.DbObject;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup's objects that a REPLACE without one transaction (MariaDB) creates although the target did not have
 * them. When the restore fails they are dropped again: the way back, the safety backup, re-creates the objects the
 * target had, and nothing of the failed restore must stay beside them (a procedure the backup has and the target
 * had not would otherwise remain).
 */
final class NewObjects {
    private static final Logger LOG = LoggerFactory.getLogger(NewObjects.class);

    private final Dialect dialect;
    private final UnaryOperator<String> mapSchema;
    private final Set<String> absent;
    private final List<DbObject> created = new ArrayList<>();

    private NewObjects(Dialect dialect, UnaryOperator<String> mapSchema, Set<String> absent) {
        this.dialect = dialect;
        this.mapSchema = mapSchema;
        this.absent = absent;
    }

    /** Tracks nothing: a transactional restore rolls back its objects with everything else. */
    static NewObjects none(Dialect dialect) {
        return new NewObjects(dialect, s -> s, Set.of());
    }

    /**
     * Reads which of {@code objects} the target lacks now.
     *
     * @param existing the target's tables the restore replaces (their triggers are objects of the target)
     * @param mapSchema the backup's schema to the target's
     */
    static NewObjects of(Dialect dialect, Connection c, List<DbObject> objects, List<Table> existing,
                         List<String> targetSchemas, UnaryOperator<String> mapSchema) throws SQLException {
        Set<String> there = new HashSet<>();
        for (DbObject o : dialect.readObjects(c, existing, targetSchemas)) {
            there.add(key(o.kind(), o.schema(), o.name()));
        }
        Set<String> absent = new HashSet<>();
        for (DbObject o : objects) {
            String k = key(o.kind(), mapSchema.apply(o.schema()), o.name());
            if (!there.contains(k)) {
                absent.add(k);
            }
        }
        return new NewObjects(dialect, mapSchema, absent);
    }

    private static String key(String kind, String schema, String name) {
        return kind + "\u0000" + schema + "\u0000" + name;
    }

    /** Creates the object, remembering it when the target did not have it. */
    void create(Connection c, DbObject o) throws SQLException {
        dialect.createObject(c, o);
        if (absent.contains(key(o.kind(), mapSchema.apply(o.schema()), o.name()))) {
            created.add(o);
        }
    }

    /** After a failure: drops the objects created that the target did not have, last first; problems are added to it. */
    void dropCreated(Connection c, Exception failure) {
        List<DbObject> reverse = new ArrayList<>(created);
        Collections.reverse(reverse);
        for (DbObject o : reverse) {
            try {
                dialect.dropObject(c, o);
            } catch (SQLException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        if (!reverse.isEmpty()) {
            LOG.info("the failed restore's new objects {} were dropped again", reverse.stream().map(DbObject::key).toList());
        }
        created.clear();
    }
}
