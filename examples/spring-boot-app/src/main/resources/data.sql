INSERT INTO products (id, name, price_cents) VALUES
    (1, 'Espresso beans 1 kg', 2490), (2, 'Milk jug', 1290), (3, 'Grinder', 8900), (4, 'Tamper', 1990)
    ON CONFLICT DO NOTHING;
INSERT INTO customers (id, name, email) VALUES
    (1, 'Ada Lovelace', 'ada@example.org'), (2, 'Alan Turing', 'alan@example.org'), (3, 'Grace Hopper', 'grace@example.org')
    ON CONFLICT DO NOTHING;
INSERT INTO orders (id, customer_id, created_at) VALUES
    (1, 1, '2026-03-01T10:00:00Z'), (2, 2, '2026-03-02T11:30:00Z'), (3, 3, '2026-03-03T09:15:00Z')
    ON CONFLICT DO NOTHING;
INSERT INTO order_items (order_id, product_id, quantity) VALUES
    (1, 1, 2), (1, 2, 1), (2, 3, 1), (3, 1, 1), (3, 4, 1)
    ON CONFLICT DO NOTHING;
