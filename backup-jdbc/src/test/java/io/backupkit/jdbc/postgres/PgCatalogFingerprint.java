package io.backupkit.jdbc.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;

/**
 * A PostgreSQL schema's fingerprint where no {@code pg_dump} of the server's version exists (PostgreSQL 18 here):
 * every user object's definition as the server prints it ({@code pg_get_*def}, {@code format_type},
 * {@code pg_get_expr}) or its catalog row, names instead of OIDs, ownership, privileges and comments, one line per
 * object, ordered. Written independently of the dumper's own catalog reader, so that it checks it rather than
 * repeating it; {@code PgCatalogFingerprintTest} shows on PostgreSQL 15 that it agrees with {@code pg_dump -s}.
 */
final class PgCatalogFingerprint {
    private PgCatalogFingerprint() {
    }

    /** Objects of the database, not of the system or of an extension. */
    private static final String USER_NS = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
            + " AND n.nspname !~ '^pg_(temp|toast_temp)_'";

    private static String notExtension(String catalog, String oid) {
        return " NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '" + catalog + "'::regclass AND d.objid = " + oid
                + " AND d.deptype = 'e') ";
    }

    /** An ACL's items in a fixed order: the order of aclitems depends on the order of the GRANTs, nothing else. */
    private static String acl(String column) {
        return "(SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(" + column + ") x)";
    }

    private static final List<String> QUERIES = List.of(
            // schemas
            "SELECT 'schema', n.nspname, pg_get_userbyid(n.nspowner), " + acl("n.nspacl") + " FROM pg_namespace n WHERE "
                    + USER_NS + " AND " + notExtension("pg_namespace", "n.oid"),
            "SELECT 'extension', e.extname, e.extversion, n.nspname FROM pg_extension e"
                    + " JOIN pg_namespace n ON n.oid = e.extnamespace",
            // relations: kind, persistence, options, partitioning, inheritance, row security, owner, privileges
            "SELECT 'relation', c.oid::regclass::text, c.relkind, c.relpersistence, c.reloptions::text,"
                    + " pg_get_partkeydef(c.oid), pg_get_expr(c.relpartbound, c.oid), c.relrowsecurity,"
                    + " c.relforcerowsecurity, c.relreplident, pg_get_userbyid(c.relowner), " + acl("c.relacl") + ","
                    + " (SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno) FROM pg_inherits i"
                    + "  WHERE i.inhrelid = c.oid), CASE WHEN c.relkind = 'm' THEN c.relispopulated END,"
                    + " CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN"
                    + " ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND " + USER_NS + " AND " + notExtension("pg_class", "c.oid"),
            "SELECT 'column', a.attrelid::regclass::text, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),"
                    + " a.attnotnull, a.attidentity, a.attgenerated, pg_get_expr(ad.adbin, ad.adrelid),"
                    + " a.attcollation::regcollation::text, a.attstorage, a.attislocal, a.attinhcount, " + acl("a.attacl") + ","
                    + " a.attoptions::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid"
                    + " AND ad.adnum = a.attnum WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN"
                    + " ('r', 'p', 'v', 'm', 'f', 'c') AND " + USER_NS + " AND " + notExtension("pg_class", "c.oid"),
            "SELECT 'column statistics', a.attrelid::regclass::text, a.attname, a.attstattarget FROM pg_attribute a"
                    + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE a.attnum > 0 AND a.attstattarget > 0 AND " + USER_NS,
            "SELECT 'constraint', coalesce(con.conrelid::regclass::text, con.contypid::regtype::text), con.conname,"
                    + " pg_get_constraintdef(con.oid), con.condeferrable, con.condeferred, con.convalidated,"
                    // (a check's NO INHERIT is in its definition; on keys the flag means nothing, and differs
                    // between a key created with its partitioned table and one attached to it, as pg_restore does)
                    + " con.conislocal, con.coninhcount FROM pg_constraint con"
                    + " JOIN pg_namespace n ON n.oid = con.connamespace WHERE " + USER_NS,
            "SELECT 'index', i.indrelid::regclass::text, pg_get_indexdef(i.indexrelid), i.indisclustered,"
                    + " i.indisreplident, ic.reloptions::text, (SELECT p.inhparent::regclass::text FROM pg_inherits p"
                    + " WHERE p.inhrelid = i.indexrelid) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                    + " JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE " + USER_NS
                    + " AND " + notExtension("pg_class", "i.indrelid"),
            "SELECT 'sequence', s.seqrelid::regclass::text, format_type(s.seqtypid, NULL), s.seqstart,"
                    + " s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle, (SELECT d.refobjid::regclass::text"
                    + " || '.' || d.refobjsubid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
                    + " AND d.objid = s.seqrelid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))"
                    + " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE " + USER_NS,
            "SELECT 'type', t.oid::regtype::text, t.typtype, format_type(t.typbasetype, t.typtypmod), t.typnotnull,"
                    + " t.typdefault, t.typcollation::regcollation::text, pg_get_userbyid(t.typowner), " + acl("t.typacl") + ","
                    + " (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e"
                    + "  WHERE e.enumtypid = t.oid), (SELECT r.rngsubtype::regtype::text || ' ' || r.rngsubdiff::text"
                    + "  || ' ' || r.rngcollation::regcollation::text FROM pg_range r WHERE r.rngtypid = t.oid)"
                    + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_class tc"
                    + " ON tc.oid = t.typrelid WHERE t.typtype IN ('e', 'd', 'c', 'r', 'm') AND (tc.oid IS NULL"
                    + " OR tc.relkind = 'c') AND " + USER_NS + " AND " + notExtension("pg_type", "t.oid"),
            "SELECT 'function', p.oid::regprocedure::text, p.prokind, CASE WHEN p.prokind <> 'a'"
                    + " THEN pg_get_functiondef(p.oid) END, pg_get_userbyid(p.proowner), " + acl("p.proacl")
                    + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_NS
                    + " AND " + notExtension("pg_proc", "p.oid"),
            "SELECT 'aggregate', a.aggfnoid::regprocedure::text, a.aggkind, a.aggtransfn::text, a.aggfinalfn::text,"
                    + " a.aggcombinefn::text, format_type(a.aggtranstype, NULL), a.agginitval, a.aggsortop::regoperator::text"
                    + " FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n"
                    + " ON n.oid = p.pronamespace WHERE " + USER_NS + " AND " + notExtension("pg_proc", "p.oid"),
            "SELECT 'operator', o.oid::regoperator::text, o.oprcode::text, o.oprcom::regoperator::text,"
                    + " o.oprnegate::regoperator::text, o.oprrest::text, o.oprjoin::text, o.oprcanmerge, o.oprcanhash,"
                    + " pg_get_userbyid(o.oprowner) FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace"
                    + " WHERE " + USER_NS + " AND " + notExtension("pg_operator", "o.oid"),
            "SELECT 'cast', format_type(c.castsource, NULL), format_type(c.casttarget, NULL),"
                    + " c.castfunc::regprocedure::text, c.castcontext, c.castmethod FROM pg_cast c WHERE c.oid >= 16384"
                    + " AND " + notExtension("pg_cast", "c.oid"),
            "SELECT 'collation', c.oid::regcollation::text, c.collprovider, c.collisdeterministic, c.collcollate,"
                    + " c.collctype, pg_get_userbyid(c.collowner) FROM pg_collation c JOIN pg_namespace n"
                    + " ON n.oid = c.collnamespace WHERE " + USER_NS + " AND " + notExtension("pg_collation", "c.oid"),
            "SELECT 'trigger', t.tgrelid::regclass::text, pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t"
                    + " WHERE NOT t.tgisinternal AND t.tgrelid IN (SELECT c.oid FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE " + USER_NS + ")",
            "SELECT 'rule', r.ev_class::regclass::text, pg_get_ruledef(r.oid), r.ev_enabled FROM pg_rewrite r"
                    + " JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE r.rulename <> '_RETURN' AND " + USER_NS,
            "SELECT 'policy', p.polrelid::regclass::text, p.polname, p.polcmd, p.polpermissive,"
                    + " (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END, ',' ORDER BY 1)"
                    + "  FROM unnest(p.polroles) r), pg_get_expr(p.polqual, p.polrelid),"
                    + " pg_get_expr(p.polwithcheck, p.polrelid) FROM pg_policy p",
            "SELECT 'statistics', pg_get_statisticsobjdef(s.oid), s.stxstattarget FROM pg_statistic_ext s"
                    + " JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE " + USER_NS,
            "SELECT 'comment', pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description"
                    + " FROM pg_description d WHERE d.objoid >= 16384 AND pg_describe_object(d.classoid, d.objoid,"
                    + " d.objsubid) IS NOT NULL",
            "SELECT 'default privileges', pg_get_userbyid(d.defaclrole), d.defaclnamespace::regnamespace::text,"
                    + " d.defaclobjtype, " + acl("d.defaclacl") + " FROM pg_default_acl d",
            "SELECT 'large object', m.oid, pg_get_userbyid(m.lomowner), " + acl("m.lomacl")
                    + " FROM pg_largeobject_metadata m",
            "SELECT 'database', pg_encoding_to_char(d.encoding), d.datcollate, d.datctype FROM pg_database d"
                    + " WHERE d.datname = current_database()");

    /** The fingerprint: one line per object, sorted, with search_path empty so that every name is qualified. */
    static String of(DataSource db) throws SQLException, IOException {
        List<String> lines = new ArrayList<>();
        String database = PostgresFidelity.databaseName(db);
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SET LOCAL search_path = ''");
            for (String q : QUERIES) {
                try (ResultSet rs = st.executeQuery(q)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            sb.append(i == 1 ? "" : " | ").append(rs.getString(i));
                        }
                        lines.add(sb.toString());
                    }
                }
            }
            c.rollback();
        }
        Collections.sort(lines);
        String out = String.join("\n", lines) + "\n";
        // kept under target/ so that a failed comparison can be diffed
        Files.createDirectories(Path.of("target", "schema-dumps"));
        Files.writeString(Path.of("target", "schema-dumps", database + ".fingerprint"), out);
        return out;
    }
}
