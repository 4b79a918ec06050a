package io.backupkit.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.IntegrityException;
import io.backupkit.api.UnsupportedBackupException;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.ForeignKey;
import io.backupkit.jdbc.internal.SchemaModel.Identity;
import io.backupkit.jdbc.internal.SchemaModel.Key;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import java.sql.Types;
import java.util.ArrayList;

class SchemaModelTest {

    static Table table(String name, String... references) {
        List<ForeignKey> fks = new ArrayList<>();
        for (String ref : references) {
            fks.add(new ForeignKey("fk_" + name + "_" + ref, List.of(ref + "_id"), "app", ref, List.of("id"), null, "CASCADE", false));
        }
        return new Table("app", name, List.of(new Column("id", "bigint", Types.BIGINT, 19, 0, false, null,
                Identity.AUTO_INCREMENT, null, ValueType.INTEGER)), new Key("pk", List.of("id")), List.of(), fks, List.of(),
                List.of(), 42L, Map.of("engine", "InnoDB"));
    }

    @Test
    void jsonRoundTripKeepsEverythingAndNothingElse() {
        SchemaModel model = new SchemaModel(1, "MariaDB", "10.11", "app", List.of(table("a"), table("b", "a")),
                List.of(new SchemaModel.Sequence("app", "s", "bigint", 1, 5, 1L, 100L, true, 11L, null)),
                List.of(new SchemaModel.View("app", "v", "SELECT 1", false)),
                List.of(new SchemaModel.UserType("app", "mood", "ENUM", List.of("sad", "happy 😀"), null, false, null, List.of())));
        String json = SchemaJson.toJson(model);
        assertThat(json).doesNotContain("qualifiedName").doesNotContain("mergeKey");
        assertThat(SchemaJson.fromJson(json)).isEqualTo(model);
    }

    @Test
    void malformedAndNewerModelsAreRefused() {
        assertThatThrownBy(() -> SchemaJson.fromJson("{\"format\": 1, \"tables\": [{\"name\": \"t\", \"columns\": []}]}"))
                .isInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> SchemaJson.fromJson("{\"format\": 99}"))
                .isInstanceOf(UnsupportedBackupException.class).hasMessageContaining("upgrade");
    }

    @Test
    void loadOrderPutsParentsFirstAndKeepsCyclesTogether() {
        // c -> b -> a; d <-> e (cycle); f self-references and references e
        List<Table> tables = List.of(table("c", "b"), table("f", "f", "e"), table("b", "a"), table("e", "d"), table("a"),
                table("d", "e"));
        List<String> order = TableOrder.loadOrder(tables).stream().map(Table::name).toList();
        assertThat(order).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
        assertThat(order.indexOf("a")).isLessThan(order.indexOf("b"));
        assertThat(order.indexOf("b")).isLessThan(order.indexOf("c"));
        assertThat(order.indexOf("e")).isLessThan(order.indexOf("f"));
        assertThat(order.indexOf("d")).isLessThan(order.indexOf("f"));
        assertThat(TableOrder.cycles(tables)).extracting(c -> c.stream().map(Table::name).toList())
                .containsExactly(List.of("e", "d"));
    }

    @Test
    void mergeKeyIsThePrimaryKeyOnly() {
        Column id = new Column("id", "int", 4, 10, 0, false, null, Identity.NONE, null, ValueType.INTEGER);
        Column code = new Column("code", "varchar(5)", 12, 5, null, true, null, Identity.NONE, null, ValueType.STRING);
        Table noKey = new Table("", "t", List.of(id, code), null, List.of(new Key("u", List.of("code"))), List.of(), List.of(),
                List.of(), null, Map.of());
        assertThat(noKey.mergeKey()).isEmpty();
        Table uniqueId = new Table("", "t", List.of(id, code), null, List.of(new Key("u", List.of("id"))), List.of(), List.of(),
                List.of(), null, Map.of());
        assertThat(uniqueId.mergeKey()).as("a NOT NULL unique key is no merge key").isEmpty();
        Table pk = new Table("", "t", List.of(id, code), new Key("pk", List.of("id")), List.of(new Key("u", List.of("code"))),
                List.of(), List.of(), List.of(), null, Map.of());
        assertThat(pk.mergeKey()).map(Key::columns).contains(List.of("id"));
    }
}
