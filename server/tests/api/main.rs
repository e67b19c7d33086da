//! The case API and the server's pages end to end, through the full router
//! (static site + pages + API), against SQLite and PostgreSQL with the same
//! test bodies. One test binary; a module per feature, `support` for what
//! they share.
//!
//! PostgreSQL: set PORTAL_TEST_POSTGRES to a server URL (each test creates
//! its own database there). `scripts/test` starts a throwaway server and sets
//! it; without it the `postgres::` tests pass after printing "skipping
//! PostgreSQL variant", so a plain `cargo test` works on any machine.

mod connections;
mod deadlines;
mod hostile;
mod import;
mod ingest;
mod lookup;
mod pages;
mod probe;
mod support;

/// `sqlite::NAME` and `postgres::NAME` for each `module::NAME(Backend)`.
macro_rules! on_both_backends {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { crate::$module::$name(crate::support::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if crate::support::postgres_configured(stringify!($name)) {
                    crate::$module::$name(crate::support::Backend::Postgres).await
                }
            })*
        }
    };
}

on_both_backends!(
    lookup::lookup_shows_the_status,
    ingest::every_transition_via_the_api,
    ingest::retries_are_idempotent,
    lookup::failures_are_indistinguishable,
    lookup::lookups_are_rate_limited,
    ingest::tokens_are_scoped_to_departments,
    deadlines::due_dates_follow_the_calendar_and_stopped_clocks,
    hostile::hostile_input_gets_clean_answers,
    lookup::demo_seeds_every_state,
    pages::form_lookup_renders_the_case_page,
    pages::search_page_is_served_with_a_case_database,
    hostile::form_survives_hostile_input,
    import::bulk_import_is_per_line_and_idempotent,
    probe::a_flood_past_the_limit_adds_few_audit_rows,
    probe::audit_rows_past_the_retention_are_deleted,
    probe::dates_outside_the_window_are_refused,
    probe::a_case_spanning_decades_delays_nobody,
    probe::department_names_come_from_the_content,
    probe::control_characters_and_bidi_overrides_are_refused,
    probe::a_replay_with_other_content_is_a_conflict,
    probe::other_sites_cannot_spend_a_numbers_limit,
    probe::bad_paths_in_the_api_answer_json,
);
