-- The one active (New) draft of each (site, customer): written in the same transaction as the events that
-- open or place a draft, so the unique key enforces "one active draft per pair" across instances.
CREATE TABLE active_drafts (
    site      text NOT NULL,
    customer  text NOT NULL,
    draft_id  text NOT NULL UNIQUE,
    PRIMARY KEY (site, customer)
);

-- Document numbers of new drafts; gaps (a rolled-back batch) are harmless, duplicates impossible.
CREATE SEQUENCE document_numbers START 100001;
