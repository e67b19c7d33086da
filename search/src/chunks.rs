//! The index on the wire: all index files laid end to end in one blob,
//! reordered by a [`Layout`] and cut into fixed-size chunks with immutable
//! names.
//!
//! A reader fetches only the chunks the query touches, through a
//! [`ChunkSource`] (files on disk natively, HTTP in the browser's worker).
//! It starts from one "boot" file: the manifest, the layout, and the exact
//! byte ranges opening the index reads (footers, dictionary indexes), plus
//! the term dictionaries of the fields a first keystroke searches, so a
//! first query's own reads start with its postings.
//!
//! The browser cannot wait for chunks one by one (each is a round trip), so
//! a query is first *planned* (see `Engine::plan`): while planning, a read of
//! a chunk that is not here fails at once and notes the chunk, so one pass
//! collects every chunk a stage of the query needs, which the worker then
//! fetches in parallel.

use crate::layout::Layout;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tantivy::Directory;
use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};

/// 16 KiB: a term dictionary block, a short postings list or a store block
/// costs little more than it holds, and a file is still big enough to be
/// worth a request.
pub const CHUNK_SIZE: usize = 16 * 1024;

/// Index file name → (offset, length) in the blob.
pub type FileTable = BTreeMap<String, (usize, usize)>;

/// What a reader needs to find every byte of the index.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// A hash of the whole blob: every file name carries it, so a new build
    /// never collides with cached chunks of an old one.
    pub id: String,
    pub chunk_size: usize,
    pub chunks: usize,
    /// Length of the blob (and the wire) in bytes.
    pub len: usize,
    pub files: FileTable,
    /// Byte ranges of the blob `(offset, length)` shipped together in the
    /// boot file, in this order: exactly what opening the index reads.
    pub boot: Vec<(usize, usize)>,
    /// Documents in the index.
    pub docs: u64,
    /// Every document's shape, encoded (see [`crate::shape::Shapes`]).
    #[serde(default)]
    pub shapes: String,
}

impl Manifest {
    pub fn chunk_name(&self, i: usize) -> String {
        format!("{}-{i}.bin", self.id)
    }
    pub fn boot_name(&self) -> String {
        format!("{}-boot.bin", self.id)
    }
}

/// The boot file starts with this, then the manifest's JSON, the layout and
/// the boot ranges' bytes.
const BOOT_MAGIC: &[u8; 4] = b"PSB1";

/// The boot file: everything a reader needs before its first chunk.
pub fn boot_file(manifest: &Manifest, layout: &Layout, blob: &[u8]) -> Vec<u8> {
    let json = serde_json::to_vec(manifest).expect("a manifest serializes");
    let layout = layout.encode();
    let mut out = BOOT_MAGIC.to_vec();
    for part in [&json, &layout] {
        out.extend_from_slice(&(part.len() as u32).to_le_bytes());
        out.extend_from_slice(part);
    }
    for &(offset, len) in &manifest.boot {
        out.extend_from_slice(&blob[offset..offset + len]);
    }
    out
}

/// Opens a store from a boot file's bytes, fetching chunks from `source`.
pub fn open_boot(bytes: &[u8], source: Box<dyn ChunkSource>) -> io::Result<Arc<ChunkStore>> {
    let rest = bytes
        .strip_prefix(BOOT_MAGIC)
        .ok_or_else(|| corrupt("not a boot file (a build from an older version?)"))?;
    let (json, rest) = length_prefixed(rest)?;
    let (mut layout_bytes, rest) = length_prefixed(rest)?;
    let manifest: Manifest =
        serde_json::from_slice(json).map_err(|e| corrupt(&format!("bad manifest: {e}")))?;
    let layout =
        Layout::decode(&mut layout_bytes).map_err(|e| corrupt(&format!("bad layout: {e}")))?;
    if layout.len() != manifest.len || manifest.chunk_size == 0 {
        return Err(corrupt("the layout does not match the manifest"));
    }
    let store = ChunkStore::new(manifest, layout, source);
    store.load_boot(rest)?;
    // The reader fetched the whole file.
    *store.fetched_bytes.lock().unwrap() += bytes.len() - rest.len();
    Ok(store)
}

fn length_prefixed(bytes: &[u8]) -> io::Result<(&[u8], &[u8])> {
    let short = || corrupt("boot file too short");
    let (len, rest) = bytes.split_first_chunk::<4>().ok_or_else(short)?;
    let len = u32::from_le_bytes(*len) as usize;
    (len <= rest.len())
        .then(|| rest.split_at(len))
        .ok_or_else(short)
}

/// Where chunk files come from.
pub trait ChunkSource: Send + Sync + fmt::Debug + 'static {
    fn fetch(&self, name: &str) -> io::Result<Vec<u8>>;
}

/// Chunk files in a folder (the native twin, tests, the server).
#[derive(Debug)]
pub struct FolderSource(pub PathBuf);

impl ChunkSource for FolderSource {
    fn fetch(&self, name: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.0.join(name))
    }
}

/// The chunks fetched so far, shared by every open file.
#[derive(Debug)]
pub struct ChunkStore {
    manifest: Manifest,
    layout: Layout,
    source: Box<dyn ChunkSource>,
    cache: Mutex<HashMap<usize, OwnedBytes>>,
    /// The boot file's ranges: (offset in the blob, bytes), by offset.
    boot: Mutex<Vec<(usize, OwnedBytes)>>,
    /// Every chunk ever read, in first-read order.
    touched: Mutex<Vec<usize>>,
    /// Every byte range read (to record the boot set at build time).
    reads: Mutex<Vec<Range<usize>>>,
    fetched_bytes: Mutex<usize>,
    /// While planning, missing chunks are noted here instead of fetched.
    planning: AtomicBool,
    wanted: Mutex<BTreeSet<usize>>,
}

/// Planning mode while alive (see [`ChunkStore::planning`]).
pub struct Planning<'a>(&'a ChunkStore);

impl Planning<'_> {
    /// The chunks noted missing so far, and forget them.
    pub fn take_wanted(&self) -> Vec<usize> {
        std::mem::take(&mut *self.0.wanted.lock().unwrap())
            .into_iter()
            .collect()
    }
}

impl Drop for Planning<'_> {
    fn drop(&mut self) {
        self.0.planning.store(false, Ordering::SeqCst);
        self.0.wanted.lock().unwrap().clear();
    }
}

/// The error a read gets while planning when its chunks are not here yet.
pub fn is_missing(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
}

impl ChunkStore {
    pub fn new(
        manifest: Manifest,
        layout: Layout,
        source: Box<dyn ChunkSource>,
    ) -> Arc<ChunkStore> {
        Arc::new(ChunkStore {
            manifest,
            layout,
            source,
            cache: Mutex::new(HashMap::new()),
            boot: Mutex::new(Vec::new()),
            touched: Mutex::new(Vec::new()),
            reads: Mutex::new(Vec::new()),
            fetched_bytes: Mutex::new(0),
            planning: AtomicBool::new(false),
            wanted: Mutex::new(BTreeSet::new()),
        })
    }

    /// Until the guard drops, reads of chunks not yet here fail (see
    /// [`is_missing`]) and note the chunks instead of fetching them.
    pub fn planning(&self) -> Planning<'_> {
        self.wanted.lock().unwrap().clear();
        self.planning.store(true, Ordering::SeqCst);
        Planning(self)
    }

    /// Adds a chunk fetched elsewhere (the worker fetches in parallel).
    pub fn insert(&self, i: usize, bytes: Vec<u8>) -> io::Result<()> {
        if i >= self.manifest.chunks || bytes.len() != self.chunk_len(i) {
            return Err(corrupt("chunk has the wrong length"));
        }
        *self.fetched_bytes.lock().unwrap() += bytes.len();
        self.cache.lock().unwrap().insert(i, OwnedBytes::new(bytes));
        Ok(())
    }

    pub fn has(&self, i: usize) -> bool {
        self.cache.lock().unwrap().contains_key(&i)
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Keeps the boot file's ranges (they arrive together).
    fn load_boot(&self, bytes: &[u8]) -> io::Result<()> {
        let mut at = 0;
        let mut boot = Vec::with_capacity(self.manifest.boot.len());
        for &(offset, len) in &self.manifest.boot {
            let piece = bytes
                .get(at..at + len)
                .ok_or_else(|| corrupt("boot file too short"))?;
            boot.push((offset, OwnedBytes::new(piece.to_vec())));
            at += len;
        }
        boot.sort_by_key(|(offset, _)| *offset);
        *self.boot.lock().unwrap() = boot;
        *self.fetched_bytes.lock().unwrap() += bytes.len();
        Ok(())
    }

    /// `range` from the boot file, if it holds all of it.
    fn in_boot(&self, range: &Range<usize>) -> Option<OwnedBytes> {
        let boot = self.boot.lock().unwrap();
        let i = boot.partition_point(|(offset, _)| *offset <= range.start);
        let (offset, bytes) = boot.get(i.checked_sub(1)?)?;
        (range.end <= offset + bytes.len())
            .then(|| bytes.slice(range.start - offset..range.end - offset))
    }

    /// The byte ranges read so far, merged: what the boot file must hold
    /// for the reads made so far to need no chunk.
    pub fn read_ranges(&self) -> Vec<(usize, usize)> {
        merge_ranges(self.reads.lock().unwrap().clone())
    }

    /// Chunks read so far, in first-read order.
    pub fn touched(&self) -> Vec<usize> {
        self.touched.lock().unwrap().clone()
    }

    /// Bytes fetched from the source (before any transport compression).
    pub fn fetched_bytes(&self) -> usize {
        *self.fetched_bytes.lock().unwrap()
    }

    fn chunk_len(&self, i: usize) -> usize {
        let m = &self.manifest;
        m.len.saturating_sub(i * m.chunk_size).min(m.chunk_size)
    }

    fn chunk(&self, i: usize) -> io::Result<OwnedBytes> {
        {
            let mut touched = self.touched.lock().unwrap();
            if !touched.contains(&i) {
                touched.push(i);
            }
        }
        if let Some(c) = self.cache.lock().unwrap().get(&i) {
            return Ok(c.clone());
        }
        let bytes = self.source.fetch(&self.manifest.chunk_name(i))?;
        if bytes.len() != self.chunk_len(i) {
            return Err(corrupt("chunk has the wrong length"));
        }
        *self.fetched_bytes.lock().unwrap() += bytes.len();
        let owned = OwnedBytes::new(bytes);
        self.cache.lock().unwrap().insert(i, owned.clone());
        Ok(owned)
    }

    /// The chunks holding bytes `range` of the blob.
    fn chunks_of(&self, range: &Range<usize>) -> impl Iterator<Item = usize> + '_ {
        let size = self.manifest.chunk_size;
        self.layout
            .wire_ranges(range)
            .flat_map(move |w| w.start / size..=(w.end - 1) / size)
    }

    /// While planning: fails if a chunk of `range` is missing, noting the
    /// chunks of `note_on_miss` (the range itself, or more).
    fn check_planned(&self, range: &Range<usize>, note_on_miss: &Range<usize>) -> io::Result<()> {
        if !self.planning.load(Ordering::SeqCst) {
            return Ok(());
        }
        if self.chunks_of(range).all(|i| self.has(i)) {
            return Ok(());
        }
        let mut wanted = self.wanted.lock().unwrap();
        wanted.extend(self.chunks_of(note_on_miss).filter(|&i| !self.has(i)));
        Err(io::Error::new(
            io::ErrorKind::WouldBlock,
            "search index: chunk not fetched yet",
        ))
    }

    /// Bytes `range` of the blob.
    fn read(&self, range: Range<usize>, note_on_miss: &Range<usize>) -> io::Result<OwnedBytes> {
        if range.is_empty() {
            return Ok(OwnedBytes::empty());
        }
        self.reads.lock().unwrap().push(range.clone());
        if let Some(bytes) = self.in_boot(&range) {
            return Ok(bytes);
        }
        self.check_planned(&range, note_on_miss)?;
        let size = self.manifest.chunk_size;
        let wire: Vec<Range<usize>> = self.layout.wire_ranges(&range).collect();
        if let [w] = &wire[..]
            && w.start / size == (w.end - 1) / size
        {
            // The usual case: one slice of one chunk, no copy.
            let i = w.start / size;
            return Ok(self.chunk(i)?.slice(w.start - i * size..w.end - i * size));
        }
        let mut out = Vec::with_capacity(range.len());
        for w in wire {
            for i in w.start / size..=(w.end - 1) / size {
                let c = self.chunk(i)?;
                let from = w.start.saturating_sub(i * size);
                let to = (w.end - i * size).min(c.len());
                out.extend_from_slice(&c.as_slice()[from..to]);
            }
        }
        Ok(OwnedBytes::new(out))
    }
}

/// Sorted, with close neighbours merged: they travel as one range, with
/// fewer seams for the same bytes.
pub fn merge_ranges(mut ranges: Vec<Range<usize>>) -> Vec<(usize, usize)> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end + 64 => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out.into_iter().map(|r| (r.start, r.len())).collect()
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("search index: {what}"))
}

/// One index file inside the blob.
#[derive(Debug)]
struct ChunkedFile {
    store: Arc<ChunkStore>,
    offset: usize,
    len: usize,
    /// Columns (fast fields) are read a value at a time all over the file,
    /// so planning asks for the whole file at once rather than chunk by
    /// chunk.
    whole: bool,
}

impl HasLen for ChunkedFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ChunkedFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.end > self.len {
            return Err(corrupt("read past the end of a file"));
        }
        let abs = self.offset + range.start..self.offset + range.end;
        let note = if self.whole {
            self.offset..self.offset + self.len
        } else {
            abs.clone()
        };
        self.store.read(abs, &note)
    }
}

/// A read-only tantivy directory over a [`ChunkStore`].
#[derive(Debug, Clone)]
pub struct ChunkedDirectory {
    store: Arc<ChunkStore>,
}

impl ChunkedDirectory {
    pub fn new(store: Arc<ChunkStore>) -> ChunkedDirectory {
        ChunkedDirectory { store }
    }

    fn entry(&self, path: &Path) -> Option<(usize, usize)> {
        self.store.manifest.files.get(path.to_str()?).copied()
    }
}

fn read_only(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("the search index is read-only ({})", path.display()),
    )
}

impl Directory for ChunkedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let (offset, len) = self
            .entry(path)
            .ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))?;
        Ok(Arc::new(ChunkedFile {
            store: self.store.clone(),
            offset,
            len,
            whole: path.extension().is_some_and(|e| e == "fast"),
        }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.into(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.entry(path).is_some())
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.into(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let handle = self.get_file_handle(path)?;
        let bytes = handle
            .read_bytes(0..handle.len())
            .map_err(|e| OpenReadError::IoError {
                io_error: Arc::new(e),
                filepath: path.into(),
            })?;
        Ok(bytes.as_slice().to_vec())
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    /// Nothing ever writes, so readers need no lock.
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}

/// Lays `files` end to end: the blob, and each file's (offset, length).
pub fn lay_end_to_end(files: BTreeMap<String, Vec<u8>>) -> (Vec<u8>, FileTable) {
    let mut blob = Vec::new();
    let mut table = BTreeMap::new();
    for (name, bytes) in files {
        table.insert(name, (blob.len(), bytes.len()));
        blob.extend_from_slice(&bytes);
    }
    (blob, table)
}

/// The chunks: the blob in `layout`'s order, cut every [`CHUNK_SIZE`] bytes.
pub fn cut(blob: &[u8], layout: &Layout) -> Vec<Vec<u8>> {
    let mut wire = Vec::with_capacity(blob.len());
    for (offset, len) in layout.wire_order() {
        wire.extend_from_slice(&blob[offset..offset + len]);
    }
    wire.chunks(CHUNK_SIZE).map(<[u8]>::to_vec).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_by_the_manifest_id() {
        let manifest = Manifest {
            id: "0d24b584f8176990".into(),
            chunk_size: CHUNK_SIZE,
            chunks: 13,
            len: 13 * CHUNK_SIZE,
            files: FileTable::new(),
            boot: Vec::new(),
            docs: 0,
            shapes: String::new(),
        };
        assert_eq!(manifest.chunk_name(0), "0d24b584f8176990-0.bin");
        assert_eq!(manifest.chunk_name(12), "0d24b584f8176990-12.bin");
        assert_eq!(manifest.boot_name(), "0d24b584f8176990-boot.bin");
    }
}
