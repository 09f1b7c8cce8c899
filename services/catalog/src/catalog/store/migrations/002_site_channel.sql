-- The default site channel (domain.md section 2): CC "Client Center", published like any other change.
INSERT INTO catalog.channels (key, code, name, active) VALUES ('CC', 'CC', 'Client Center', true);
INSERT INTO catalog.changes (kind, key, record, correlation_id)
VALUES ('channel', 'CC', '{"kind": "channel", "code": "CC", "name": "Client Center", "active": true}',
        '00000000-0000-0000-0000-000000000000');
