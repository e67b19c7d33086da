//! The browser app Trunk builds (`target/site/`): copied into the site
//! under `app/h/` (hashed names, cached for a year), brotli copies beside.

use anyhow::{Context, Result, bail};
use portal_search::writer::{CODE_QUALITY, fnv_hex, write_compressed};
pub use portal_views::pages::{APP_DIR, APP_INFO, AppFiles};
use std::path::Path;

/// Copies Trunk's output from `dir` into `site` and names its parts.
pub fn copy(dir: &Path, site: &Path) -> Result<AppFiles> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| {
            format!(
                "cannot read the app folder {} (run `trunk build` first)",
                dir.display()
            )
        })?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let find = |pred: &dyn Fn(&str) -> bool, what: &str| {
        names
            .iter()
            .find(|n| pred(n))
            .cloned()
            .with_context(|| format!("{} has no {what}: is it Trunk's output?", dir.display()))
    };
    let js = find(&|n| n.starts_with("app-") && n.ends_with(".js"), "app-*.js")?;
    let wasm = find(
        &|n| n.starts_with("app-") && n.ends_with("_bg.wasm"),
        "app-*_bg.wasm",
    )?;
    let out = site.join(APP_DIR);
    std::fs::create_dir_all(&out)?;
    for name in [&js, &wasm] {
        if name.contains('/') {
            bail!("unexpected file name in the app folder: {name}");
        }
        write_compressed(
            &out.join(name),
            &std::fs::read(dir.join(name))?,
            CODE_QUALITY,
        )?;
    }
    let worker = copy_worker(dir, &out)?;
    let files = AppFiles { js, wasm, worker };
    // For `portal serve`, whose own pages load the app too.
    std::fs::write(site.join(APP_INFO), serde_json::to_vec_pretty(&files)?)?;
    Ok(files)
}

/// Trunk does not hash a worker's file names: name them by content here,
/// with a loader that imports them, so they can be cached for good.
fn copy_worker(dir: &Path, out: &Path) -> Result<String> {
    let read = |name: &str| {
        std::fs::read(dir.join(name)).with_context(|| format!("{} has no {name}", dir.display()))
    };
    let js = read("search-worker.js")?;
    let wasm = read("search-worker_bg.wasm")?;
    let hash = fnv_hex(&[fnv_hex(&js).as_bytes(), fnv_hex(&wasm).as_bytes()].concat());
    let (js_name, wasm_name) = (
        format!("search-worker-{hash}.js"),
        format!("search-worker-{hash}_bg.wasm"),
    );
    write_compressed(&out.join(&js_name), &js, CODE_QUALITY)?;
    write_compressed(&out.join(&wasm_name), &wasm, CODE_QUALITY)?;
    let loader = format!("search-worker-{hash}_loader.js");
    let shim = format!(
        "importScripts(\"./{js_name}\");wasm_bindgen({{ module_or_path: \"./{wasm_name}\" }});\n"
    );
    std::fs::write(out.join(&loader), shim)?;
    Ok(loader)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A browser that holds the worker keeps its address from build to
    // build, on every platform: the name is pinned to a literal value.
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
        let files = copy(trunk.path(), site.path()).unwrap();
        // Trunk's own hashed names are kept as they are.
        assert_eq!(files.js, "app-1a2b.js");
        assert_eq!(files.wasm, "app-1a2b_bg.wasm");
        // FNV-1a of the hex FNV-1a of the script and of the module.
        let hash = "0d24b584f8176990";
        assert_eq!(files.worker, format!("search-worker-{hash}_loader.js"));
        let dir = site.path().join(APP_DIR);
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
}
