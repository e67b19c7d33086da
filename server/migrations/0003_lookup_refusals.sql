-- Lookups refused by a rate limit are counted, not logged one row each:
-- an attacker can send thousands a second. One row per day and outcome.
CREATE TABLE lookup_refusals (
    day TEXT NOT NULL,
    outcome TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, outcome)
);

-- Retention deletes by time.
CREATE INDEX lookup_audit_at ON lookup_audit (at);
