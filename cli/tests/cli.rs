//! The `portal` binary as a user meets it: help, exit codes, messages.

use std::process::Command;

fn portal(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portal"))
        .args(args)
        .output()
        .unwrap()
}

fn fixture() -> String {
    format!("{}/../tests/fixtures/valid", env!("CARGO_MANIFEST_DIR"))
}

/// Each subcommand and the start of its own help line.
const SUBCOMMANDS: [(&str, &str); 12] = [
    ("check", "Validate every content file"),
    ("build", "Validate, then write the complete static site"),
    ("serve", "Serve a built site"),
    ("cases", "Case data: bulk import"),
    ("token", "Create an ingest token"),
    (
        "search",
        "Search a built site with the same engine the browser runs",
    ),
    ("relevance", "Score the search against a relevance set"),
    ("demo", "Write a deterministic synthetic catalog"),
    ("import", "Read an implementation list"),
    ("export", "Write the catalog as an implementation list"),
    ("diff", "Compare two content folders field by field"),
    ("publish", "Record what changed since the last publication"),
];

#[test]
fn help_lists_every_subcommand_with_its_own_line() {
    let out = portal(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Typical use"), "{text}");
    for (name, line) in SUBCOMMANDS {
        let listed = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("--help does not list {name}:\n{text}"));
        assert!(
            listed.contains(line),
            "{name} is listed as {listed:?}, not with {line:?}"
        );
        // Its own help starts with the same line, and says nothing of the others.
        let own = portal(&[name, "--help"]);
        assert!(own.status.success(), "{name} --help fails");
        let own = String::from_utf8(own.stdout).unwrap();
        assert!(
            own.starts_with(line),
            "`portal {name} --help` starts {own:?}"
        );
        for (other, other_line) in SUBCOMMANDS {
            assert!(
                other == name || !own.contains(other_line),
                "`portal {name} --help` describes {other}:\n{own}"
            );
        }
    }
    let import = String::from_utf8(portal(&["cases", "import", "--help"]).stdout).unwrap();
    assert!(
        import.starts_with("Import cases and events from NDJSON or CSV"),
        "{import}"
    );
}

#[test]
fn check_passes_a_valid_catalog() {
    let out = portal(&["check", "--content", &fixture()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("No problems found."));
}

#[test]
fn check_fails_with_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = portal(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: site.toml: cannot read the file"),
        "{stderr}"
    );
    assert!(stderr.contains("error(s)"), "{stderr}");
}

#[test]
fn missing_content_folder_is_explained() {
    let out = portal(&["check", "--content", "/no/such/folder"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the content folder does not exist"));
}

#[test]
fn demo_catalogs_are_valid_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    assert!(
        portal(&["demo", "--items", "250", "--out", a.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        portal(&["demo", "--items", "250", "--out", b.to_str().unwrap()])
            .status
            .success()
    );
    let item = "items/market-regulation-1/330101-SJ-00005.toml";
    assert_eq!(
        std::fs::read(a.join(item)).unwrap(),
        std::fs::read(b.join(item)).unwrap()
    );
    // And the same as ever (the default seed): FNV-1a of the file's bytes.
    assert_eq!(
        portal_search::writer::fnv_hex(&std::fs::read(a.join(item)).unwrap()),
        "bf4105a975980019"
    );
    let out = portal(&["check", "--content", a.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Never overwrite an existing catalog.
    let again = portal(&["demo", "--items", "5", "--out", a.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));
}

#[test]
fn serve_refuses_a_folder_without_a_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = portal(&[
        "serve",
        "--dist",
        dir.path().to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no built site"));
}

#[test]
fn token_creates_the_database_key_and_a_token() {
    let dir = tempfile::tempdir().unwrap();
    // The default database and key land in the current folder.
    let out = Command::new(env!("CARGO_BIN_EXE_portal"))
        .args(["token", "--departments", "dept-a,dept-b", "--label", "test"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    assert!(token.trim().starts_with("pt_"), "{token}");
    assert!(dir.path().join("portal.sqlite").is_file());
    assert!(dir.path().join("portal-secret.key").is_file());
    let missing = portal(&["token"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--departments"));
}

#[test]
fn serve_help_lists_the_case_options() {
    let out = portal(&["serve", "--help"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for word in ["--db", "--secret-file", "--demo", "--content"] {
        assert!(text.contains(word), "serve --help lacks {word}:\n{text}");
    }
}

#[test]
fn cases_import_reports_lines_writes_private_receipts_and_reruns_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cases.ndjson");
    std::fs::write(
        &file,
        [
            r#"{"type":"case","case_ref":"W-1","item_code":"ga-001","item_name":"居民身份证换领","department":"dept-a","received":"2025-03-03","statutory_limit":{"days":20},"promised_limit":{"days":5},"delivery_method":"express"}"#,
            r#"{"type":"event","case_ref":"W-1","event_id":"w1-a","kind":"accept","at":"2025-03-03"}"#,
            r#"{"type":"event","case_ref":"W-1","event_id":"w1-b","kind":"approve","at":"03/04/2025"}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let receipts = dir.path().join("receipts.csv");
    let run = |receipts: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_portal"))
            .args(["cases", "import", "cases.ndjson", "--department", "dept-a"])
            .arg("--receipts")
            .arg(receipts)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = run(&receipts);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cases.ndjson:3: `at`: is not a valid date of the form YYYY-MM-DD"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "Imported 2 line(s) (1 case(s), 1 event(s)), skipped 0 already imported, 1 error(s)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("Wrote 1 receipt(s)"), "{stderr}");
    assert!(out.stdout.is_empty(), "receipts never go to stdout");
    let text = std::fs::read_to_string(&receipts).unwrap();
    assert!(
        text.starts_with("\u{feff}case_ref,case_number,password,"),
        "{text}"
    );
    assert!(text.contains("W-1,2025"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&receipts).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The receipts file is never overwritten.
    let out = run(&receipts);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never overwritten"));
    // Again with another receipts file: nothing new, no receipts file at all.
    let second = dir.path().join("second.csv");
    let out = run(&second);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "Imported 0 line(s) (0 case(s), 0 event(s)), skipped 2 already imported, 1 error(s)"
        ),
        "{stderr}"
    );
    assert!(!second.exists());
}

#[test]
fn check_prints_json_lines_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = portal(&[
        "check",
        "--content",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let problems: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let site = problems
        .iter()
        .find(|p| p["file"] == "site.toml")
        .expect("site.toml is missing");
    assert_eq!(site["severity"], "error");
    assert!(
        site["message"]
            .as_str()
            .unwrap()
            .contains("cannot read the file")
    );
    assert!(site["caused_by"].is_null());
    // The summary stays on stderr.
    assert!(String::from_utf8_lossy(&out.stderr).contains("error(s)"));
}

/// Every file under `dir` with its bytes, to prove nothing changed.
fn tree(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(tree(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out.sort();
    out
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    for (p, bytes) in tree(from) {
        let dest = to.join(p.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
}

#[test]
fn import_is_a_dry_run_until_apply_and_errors_name_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy(std::path::Path::new(&fixture()), &content);
    let sheet = dir.path().join("list.csv");
    let c = content.to_str().unwrap();
    let out = portal(&[
        "export",
        "--format",
        "csv",
        "--content",
        c,
        "--out",
        sheet.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&sheet).unwrap();
    let edited = text.replace("20 个自然日", "10 个自然日");
    assert_ne!(text, edited, "the fixture's promised limit is in the sheet");
    std::fs::write(&sheet, &edited).unwrap();
    let before = tree(&content);
    let out = portal(&["import", sheet.to_str().unwrap(), "--content", c]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("read as UTF-8 with BOM"), "{err}");
    assert!(err.contains("承诺时限 20 → 10 个自然日"), "{err}");
    assert!(err.contains("Dry run: nothing was written"), "{err}");
    assert_eq!(tree(&content), before, "a dry run writes nothing");

    std::fs::write(&sheet, edited.replacen("10 个自然日", "十五", 1)).unwrap();
    let out = portal(&["import", sheet.to_str().unwrap(), "--content", c, "--apply"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("list.csv: H2 (承诺办结时限): \"十五\" is not a number of days"),
        "{err}"
    );
    assert!(err.contains("nothing will be written"), "{err}");
    assert_eq!(tree(&content), before, "an error means nothing is written");

    std::fs::write(&sheet, &edited).unwrap();
    let out = portal(&["import", sheet.to_str().unwrap(), "--content", c, "--apply"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("`portal check` passes"), "{err}");
    assert_ne!(tree(&content), before);
}
