//! The portal's search engine, shared by the build (which writes the index),
//! `portal search` and the server's no-JavaScript fallback (which read it
//! from disk) and the browser's worker (which reads it over HTTP).
//!
//! The analyzer is `portal_core::analyzer`; this crate adds the tantivy
//! schema, the chunked on-the-wire format and the query logic.

pub mod chunks;
pub mod engine;
pub mod highlight;
pub mod layout;
pub mod schema;
pub mod shape;
pub mod term_infos;
#[cfg(not(target_arch = "wasm32"))]
pub mod term_major;
pub mod tokenizer;
#[cfg(not(target_arch = "wasm32"))]
pub mod writer;

pub use chunks::{ChunkSource, ChunkStore, FolderSource, Manifest};
pub use engine::{Card, Engine, FacetGroup, FacetValue, Hit, Piece, RELAXED, Request, Response};

/// Where the build puts the index, relative to the site root.
/// (`search/` itself is the results page.)
pub const SEARCH_DIR: &str = "search-index";
/// The chunk files (immutable, cached for a year).
pub const CHUNK_DIR: &str = "search-index/h";
/// Names the current manifest; read by `portal search` and the server.
pub const POINTER_FILE: &str = "search-index/index.json";

/// Opens the index a build wrote into the site folder `dist`.
#[cfg(not(target_arch = "wasm32"))]
pub fn open_site(dist: &std::path::Path) -> Result<Engine, String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}");
    let pointer = dist.join(POINTER_FILE);
    let text = std::fs::read_to_string(&pointer).map_err(|e| {
        fail(
            &format!(
                "no search index at {} (run `portal build` first)",
                pointer.display()
            ),
            &e,
        )
    })?;
    let pointer: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fail(&pointer.display().to_string(), &e))?;
    let boot_path = dist.join(pointer["boot"].as_str().unwrap_or_default());
    let boot = std::fs::read(&boot_path).map_err(|e| {
        fail(
            &format!(
                "cannot read the boot file {} (rebuild the site)",
                boot_path.display()
            ),
            &e,
        )
    })?;
    let source = FolderSource(dist.join(CHUNK_DIR));
    let store = chunks::open_boot(&boot, Box::new(source))
        .map_err(|e| fail(&boot_path.display().to_string(), &e))?;
    Engine::open(store).map_err(|e| fail("cannot open the search index", &e))
}
