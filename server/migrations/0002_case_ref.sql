-- The approval system's own reference for a case (e.g. its application
-- number). Optional; when given it makes creating a case idempotent: a retry
-- or a re-run of `portal cases import` finds the case instead of opening a
-- second one. Several NULLs are allowed by a UNIQUE index on both databases.
ALTER TABLE cases ADD COLUMN case_ref TEXT;

CREATE UNIQUE INDEX cases_case_ref ON cases (case_ref);
