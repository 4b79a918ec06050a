package io.backupkit.jdbc.mariadb;

import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.jdbc.internal.ValueType;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the server's own CREATE TABLE is split into what is created before the load and the keys added after it, on
 * MySQL 8 output (no MySQL server here: MariaDB's is covered by MariaDbFidelityTest).
 */
class MariaDbCreateTableTest {
    private static final String MYSQL8 = "CREATE TABLE `orders` (\n"
            + "  `id` int NOT NULL AUTO_INCREMENT,\n"
            + "  `customer_id` int NOT NULL,\n"
            + "  `doc` json DEFAULT NULL,\n"
            + "  `total` decimal(12,2) GENERATED ALWAYS AS ((`qty` * `price`)) STORED,\n"
            + "  `pos` point NOT NULL /*!80003 SRID 4326 */,\n"
            + "  `note` text COLLATE utf8mb4_0900_as_cs,\n"
            + "  PRIMARY KEY (`id`),\n"
            + "  UNIQUE KEY `uk_doc` ((cast(json_extract(`doc`,_utf8mb4'$.n') as char(20) charset utf8mb4))),\n"
            + "  KEY `ix_customer` (`customer_id`) USING BTREE COMMENT 'lookups',\n"
            + "  FULLTEXT KEY `ft_note` (`note`) /*!50100 WITH PARSER `ngram` */ ,\n"
            + "  SPATIAL KEY `sp_pos` (`pos`),\n"
            + "  CONSTRAINT `fk_customer` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE,\n"
            + "  CONSTRAINT `qty_positive` CHECK ((`qty` > 0)) /*!80016 NOT ENFORCED */\n"
            + ") ENGINE=InnoDB AUTO_INCREMENT=1043 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci\n"
            + "/*!50100 PARTITION BY HASH (`id`)\nPARTITIONS 4 */";

    @Test
    void mysqlCreateTableKeepsColumnsPrimaryKeyChecksOptionsAndPartitioningAndMovesTheOtherKeysAfterTheLoad() {
        Map<String, String> split = MariaDbDialect.splitCreateTable(MYSQL8);

        assertThat(split.get("sql")).isEqualTo("CREATE TABLE `orders` (\n"
                + "  `id` int NOT NULL AUTO_INCREMENT,\n"
                + "  `customer_id` int NOT NULL,\n"
                + "  `doc` json DEFAULT NULL,\n"
                + "  `total` decimal(12,2) GENERATED ALWAYS AS ((`qty` * `price`)) STORED,\n"
                + "  `pos` point NOT NULL /*!80003 SRID 4326 */,\n"
                + "  `note` text COLLATE utf8mb4_0900_as_cs,\n"
                + "  PRIMARY KEY (`id`),\n"
                + "  CONSTRAINT `qty_positive` CHECK ((`qty` > 0)) /*!80016 NOT ENFORCED */\n"
                + ") ENGINE=InnoDB AUTO_INCREMENT=1043 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci\n"
                + "/*!50100 PARTITION BY HASH (`id`)\nPARTITIONS 4 */");
        assertThat(split.get("keys").split("\n")).containsExactly(
                "UNIQUE KEY `uk_doc` ((cast(json_extract(`doc`,_utf8mb4'$.n') as char(20) charset utf8mb4)))",
                "KEY `ix_customer` (`customer_id`) USING BTREE COMMENT 'lookups'",
                "FULLTEXT KEY `ft_note` (`note`) /*!50100 WITH PARSER `ngram` */",
                "SPATIAL KEY `sp_pos` (`pos`)");
    }

    @Test
    void theKeysComeBackInOneAlterTableAndTheTableUnderItsTargetName() {
        Map<String, String> options = MariaDbDialect.splitCreateTable(MYSQL8);
        SchemaModel.Table t = new SchemaModel.Table("restored", "orders", List.of(new SchemaModel.Column("id", "int", 4,
                null, null, false, null, SchemaModel.Identity.AUTO_INCREMENT, null, ValueType.INTEGER)), null, List.of(),
                List.of(), List.of(), List.of(), 1043L, options);
        MariaDbDialect dialect = new MariaDbDialect();

        assertThat(dialect.createTable(t).get(0)).startsWith("CREATE TABLE `restored`.`orders` (\n  `id` int NOT NULL");
        assertThat(dialect.createKeysAndIndexes(t)).containsExactly("ALTER TABLE `restored`.`orders` ADD UNIQUE KEY "
                + "`uk_doc` ((cast(json_extract(`doc`,_utf8mb4'$.n') as char(20) charset utf8mb4))), ADD KEY `ix_customer` "
                + "(`customer_id`) USING BTREE COMMENT 'lookups', ADD FULLTEXT KEY `ft_note` (`note`) /*!50100 WITH PARSER "
                + "`ngram` */, ADD SPATIAL KEY `sp_pos` (`pos`)");
    }

    @Test
    void aModelWithoutTheServersCreateTableIsCreatedFromItsColumnsAsBefore() {
        SchemaModel.Table t = new SchemaModel.Table("app", "t", List.of(new SchemaModel.Column("id", "int(11)", 4, null, null,
                false, null, SchemaModel.Identity.NONE, null, ValueType.INTEGER)), new SchemaModel.Key("PRIMARY", List.of("id")),
                List.of(), List.of(), List.of(), List.of(), null, Map.of("engine", "InnoDB"));

        assertThat(new MariaDbDialect().createTable(t).get(0)).startsWith("CREATE TABLE `app`.`t` (\n  `id` int(11) NOT NULL")
                .endsWith("ENGINE=InnoDB");
    }
}
