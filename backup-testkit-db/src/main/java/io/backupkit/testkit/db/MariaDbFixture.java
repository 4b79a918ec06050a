package io.backupkit.testkit.db;

import java.util.List;

/**
 * The MariaDB 10.11 fidelity fixture: a sequence used as a column default, functions and procedures (one created
 * under another sql_mode), views with algorithm and SQL security (one using a function, one on another view), triggers (two on one event in
 * FOLLOWS order, one writing to a partitioned table), events (enabled and disabled, with schedules), RANGE and HASH
 * partitioning, stored and virtual generated columns, check constraints, JSON, column and table charsets and
 * collations, a spatial index, FULLTEXT, AUTO_INCREMENT positions past the highest row, foreign keys.
 */
public final class MariaDbFixture {
    /** The statements that create the fixture in an empty database, in order. */
    public static final List<String> STATEMENTS = List.of(
            "CREATE SEQUENCE order_seq START WITH 1000 INCREMENT BY 10 CACHE 5",
            "CREATE FUNCTION net(p DECIMAL(10,2)) RETURNS DECIMAL(10,2) DETERMINISTIC RETURN p * 0.8",
            "CREATE FUNCTION label_of(n INT) RETURNS VARCHAR(40) DETERMINISTIC RETURN CONCAT('#', n)",
            "SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT'",
            "CREATE PROCEDURE archive(IN before_year INT) BEGIN INSERT INTO audit (what) SELECT 'archive ' || id "
                    + "FROM orders WHERE YEAR(created) < before_year; END",
            "SET SESSION sql_mode = DEFAULT",
            "CREATE PROCEDURE bump(INOUT n INT) BEGIN SET n = n + 1; END",
            "CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, "
                    + "email VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
                    + "name VARCHAR(100) COLLATE utf8mb4_unicode_ci, bio TEXT, prefs JSON, "
                    + "UNIQUE KEY uk_email (email), FULLTEXT KEY ft_bio (bio), "
                    + "CONSTRAINT email_has_at CHECK (email LIKE '%@%')) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                    + "COLLATE=utf8mb4_general_ci COMMENT='who buys'",
            "CREATE TABLE orders (id BIGINT NOT NULL DEFAULT NEXT VALUE FOR order_seq, customer_id INT NOT NULL, "
                    + "qty INT NOT NULL CHECK (qty > 0), price DECIMAL(10,2) NOT NULL, total DECIMAL(12,2) AS (qty * price) STORED, "
                    + "label VARCHAR(40) AS (CONCAT('order-', id)) VIRTUAL, created DATE NOT NULL, "
                    + "PRIMARY KEY (id, created), KEY ix_customer (customer_id, created DESC)) "
                    + "PARTITION BY RANGE (YEAR(created)) (PARTITION p2023 VALUES LESS THAN (2024), "
                    + "PARTITION p2024 VALUES LESS THAN (2025), PARTITION pmax VALUES LESS THAN MAXVALUE)",
            "CREATE TABLE events_log (id INT AUTO_INCREMENT, what VARCHAR(200) CHARACTER SET latin1 NOT NULL, "
                    + "at DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), PRIMARY KEY (id)) PARTITION BY HASH (id) PARTITIONS 3",
            "CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what TEXT NOT NULL)",
            "CREATE TABLE places (id INT PRIMARY KEY, customer_id INT, pos POINT NOT NULL, area POLYGON, "
                    + "SPATIAL KEY sp_pos (pos), CONSTRAINT fk_places_customer FOREIGN KEY (customer_id) "
                    + "REFERENCES customers (id) ON DELETE CASCADE ON UPDATE SET NULL)",
            "CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW customer_totals AS SELECT c.id, c.email, "
                    + "net(SUM(o.total)) AS spent FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.email",
            "CREATE ALGORITHM=TEMPTABLE VIEW big_customers AS SELECT * FROM customer_totals WHERE spent > 10",
            "CREATE TRIGGER customers_ai AFTER INSERT ON customers FOR EACH ROW "
                    + "INSERT INTO events_log (what) VALUES (CONCAT('customer ', NEW.id))",
            "CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.qty = GREATEST(NEW.qty, 1)",
            "CREATE TRIGGER orders_bi2 BEFORE INSERT ON orders FOR EACH ROW FOLLOWS orders_bi "
                    + "BEGIN IF NEW.price < 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'negative price'; END IF; END",
            "CREATE TRIGGER orders_au AFTER UPDATE ON orders FOR EACH ROW INSERT INTO audit (what) VALUES (label_of(NEW.qty))",
            "CREATE EVENT purge_log ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 03:00:00' ON COMPLETION PRESERVE DISABLE "
                    + "COMMENT 'nightly' DO DELETE FROM events_log WHERE at < NOW() - INTERVAL 30 DAY",
            "CREATE EVENT yearly ON SCHEDULE EVERY 1 YEAR STARTS '2031-01-01 00:00:00' ENDS '2035-01-01 00:00:00' "
                    + "ON COMPLETION NOT PRESERVE ENABLE DO CALL archive(2000)",
            "INSERT INTO customers (email, name, bio, prefs) VALUES ('a@x.org', 'Ann', 'likes tea and books', '{\"a\": [1, 2]}'), "
                    + "('b@x.org', 'Bob', NULL, NULL), ('c@x.org', 'Cé 😀', 'ünïcode', '{\"u\": \"😀\"}'), ('d@x.org', NULL, NULL, '[]')",
            "DELETE FROM customers WHERE id = 4",
            "INSERT INTO orders (customer_id, qty, price, created) VALUES (1, 2, 3.5, '2023-05-01'), (1, 0, 10, '2024-02-29'), "
                    + "(2, 5, 0.25, '2025-01-01'), (3, 1, 99.99, '2023-12-31')",
            "UPDATE orders SET qty = qty + 1 WHERE customer_id = 3",
            "INSERT INTO places VALUES (1, 1, ST_GeomFromText('POINT(1 2)'), ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')), "
                    + "(2, 2, ST_GeomFromText('POINT(-3.5 4.25)'), NULL)",
            "INSERT INTO events_log (what) VALUES ('manual 1'), ('manual 2'), ('manual 3')");

    private MariaDbFixture() {
    }
}
