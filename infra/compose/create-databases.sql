-- Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d/).
-- Each service owns one database; the names match the defaults in services/*/src/*/config.py.
CREATE DATABASE order_draft;
CREATE DATABASE catalog;
