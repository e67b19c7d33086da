//! Content-hashed names, pinned to literal values: a page or a cached file
//! that a browser already holds must keep its address from build to build,
//! on every platform.

use portal_build::app_files;
use portal_build::views::agency_slug;

#[test]
fn agency_folders_are_the_low_half_of_fnv_1a() {
    assert_eq!(agency_slug("云溪区人民政府办公室"), "b9473ac4");
    assert_eq!(agency_slug("云溪区财政局"), "de686172");
    // The demo catalog's agency (`portal demo`).
    assert_eq!(agency_slug("临江省人民政府办公厅"), "cc62171d");
}

#[test]
fn the_worker_is_named_by_its_content() {
    let trunk = tempfile::tempdir().unwrap();
    let site = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        (
            "app-1a2b.js",
            &b"import init from './app-1a2b_bg.wasm';\n"[..],
        ),
        ("app-1a2b_bg.wasm", b"\0asm\x01\0\0\0app"),
        ("search-worker.js", b"wasm_bindgen=1;\n"),
        ("search-worker_bg.wasm", b"\0asm\x01\0\0\0"),
    ] {
        std::fs::write(trunk.path().join(name), bytes).unwrap();
    }
    let files = app_files::copy(trunk.path(), site.path()).unwrap();
    // Trunk's own hashed names are kept as they are.
    assert_eq!(files.js, "app-1a2b.js");
    assert_eq!(files.wasm, "app-1a2b_bg.wasm");
    // FNV-1a of the hex FNV-1a of the script and of the module.
    let hash = "0d24b584f8176990";
    assert_eq!(files.worker, format!("search-worker-{hash}_loader.js"));
    let dir = site.path().join(app_files::APP_DIR);
    for name in [
        format!("search-worker-{hash}.js"),
        format!("search-worker-{hash}_bg.wasm"),
    ] {
        assert!(dir.join(&name).is_file(), "{name} missing");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join(&files.worker)).unwrap(),
        "importScripts(\"./search-worker-0d24b584f8176990.js\");\
         wasm_bindgen({ module_or_path: \"./search-worker-0d24b584f8176990_bg.wasm\" });\n"
    );
}
