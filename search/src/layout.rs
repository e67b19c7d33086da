//! The order the index's bytes travel in.
//!
//! tantivy writes each field's postings apart, so one term's postings in
//! seven fields lie in seven places, and a query of six terms would touch
//! over forty 16 KiB chunks for a few kilobytes of postings. The build
//! reorders the blob (see `writer::term_major`): terms are cut into buckets
//! by key, and each bucket's postings and positions of every field travel
//! side by side. A [`Layout`] maps the blob (what tantivy reads) to the wire
//! (what the chunks hold): a list of runs, short enough to ship in the boot
//! file because a run is a whole field's share of a bucket, not a term.

use std::io;
use std::ops::Range;
use tantivy_common::{BinarySerializable, VInt};

/// A stretch of the blob and where it travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    blob: usize,
    wire: usize,
    len: usize,
}

/// Blob offsets → wire offsets, by runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layout {
    /// Sorted by blob offset; together they cover the blob once.
    runs: Vec<Run>,
}

/// How far back [`Layout::encode`] looks for the run a run continues.
const LOOK_BACK: usize = 64;

impl Layout {
    /// The blob as it is: one run.
    pub fn identity(len: usize) -> Layout {
        Layout::from_wire_order(&[(0, len)]).expect("one run covers the blob")
    }

    /// A layout from runs `(blob offset, length)` in the order they travel;
    /// fails unless they cover the blob exactly once.
    pub fn from_wire_order(runs: &[(usize, usize)]) -> io::Result<Layout> {
        let mut wire = 0;
        let mut sorted: Vec<Run> = Vec::with_capacity(runs.len());
        for &(blob, len) in runs.iter().filter(|(_, len)| *len > 0) {
            sorted.push(Run { blob, wire, len });
            wire += len;
        }
        sorted.sort_by_key(|r| r.blob);
        let mut end = 0;
        for r in &sorted {
            if r.blob != end {
                return Err(corrupt("layout runs overlap or leave a gap"));
            }
            end += r.len;
        }
        Ok(Layout { runs: sorted })
    }

    /// Bytes covered.
    pub fn len(&self) -> usize {
        self.runs.last().map_or(0, |r| r.blob + r.len)
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// The runs `(blob offset, length)` in the order they travel.
    pub fn wire_order(&self) -> Vec<(usize, usize)> {
        let mut runs = self.runs.clone();
        runs.sort_by_key(|r| r.wire);
        runs.iter().map(|r| (r.blob, r.len)).collect()
    }

    /// Runs in the layout.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// Where bytes `blob` of the blob travel: wire ranges in blob order.
    pub fn wire_ranges(&self, blob: &Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
        let blob = blob.clone();
        let first = self.runs.partition_point(|r| r.blob + r.len <= blob.start);
        self.runs[first..]
            .iter()
            .take_while(move |r| r.blob < blob.end)
            .map(move |r| {
                let from = blob.start.max(r.blob) - r.blob;
                let to = blob.end.min(r.blob + r.len) - r.blob;
                r.wire + from..r.wire + to
            })
    }

    /// Compact bytes: per run in wire order, how many runs back the run
    /// lies that this one continues in the blob (a field's share of the
    /// previous bucket, mostly the same distance each time), or 0 and the
    /// offset; then its length.
    pub fn encode(&self) -> Vec<u8> {
        let order = self.wire_order();
        let mut out = Vec::new();
        VInt(order.len() as u64).serialize(&mut out).ok();
        for (i, &(blob, len)) in order.iter().enumerate() {
            let back = order[i.saturating_sub(LOOK_BACK)..i]
                .iter()
                .rev()
                .position(|&(b, l)| b + l == blob)
                .map_or(0, |p| p + 1);
            VInt(back as u64).serialize(&mut out).ok();
            if back == 0 {
                VInt(blob as u64).serialize(&mut out).ok();
            }
            VInt(len as u64).serialize(&mut out).ok();
        }
        out
    }

    /// Reads what [`Layout::encode`] wrote; `bytes` is advanced past it.
    pub fn decode(bytes: &mut &[u8]) -> io::Result<Layout> {
        let n = VInt::deserialize(bytes)?.0 as usize;
        // Each run takes at least two bytes: a hostile count cannot make
        // this allocate more than the file's size.
        let mut order: Vec<(usize, usize)> = Vec::with_capacity(n.min(bytes.len() / 2));
        for i in 0..n {
            let back = VInt::deserialize(bytes)?.0 as usize;
            let blob = if back == 0 {
                VInt::deserialize(bytes)?.0 as usize
            } else {
                let (b, l) = *i
                    .checked_sub(back)
                    .and_then(|j| order.get(j))
                    .ok_or_else(|| corrupt("layout refers to a run before the first"))?;
                b + l
            };
            let len = VInt::deserialize(bytes)?.0 as usize;
            order.push((blob, len));
        }
        Layout::from_wire_order(&order)
    }
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("search index: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two "fields" of four "terms" each, sent term-major in two buckets.
    fn bucketed() -> Layout {
        Layout::from_wire_order(&[(0, 5), (100, 10), (5, 20), (110, 30), (25, 75), (140, 60)])
            .unwrap()
    }

    #[test]
    fn maps_reads_across_runs_in_blob_order() {
        let l = bucketed();
        assert_eq!(l.len(), 200);
        // Inside one run.
        let inside: Vec<_> = l.wire_ranges(&(101..105)).collect();
        assert_eq!(inside, vec![6..10]);
        // Across two runs that travel apart.
        assert_eq!(l.wire_ranges(&(3..10)).collect::<Vec<_>>(), [3..5, 15..20]);
        // The whole blob touches every run once.
        assert_eq!(
            l.wire_ranges(&(0..200)).map(|r| r.len()).sum::<usize>(),
            200
        );
    }

    #[test]
    fn encodes_and_decodes_to_the_same_layout() {
        let l = bucketed();
        let bytes = l.encode();
        let mut rest = &bytes[..];
        assert_eq!(Layout::decode(&mut rest).unwrap(), l);
        assert!(rest.is_empty());
        assert_eq!(Layout::identity(7).wire_order(), [(0, 7)]);
    }

    #[test]
    fn runs_that_overlap_or_leave_gaps_are_refused() {
        assert!(Layout::from_wire_order(&[(0, 5), (4, 5)]).is_err());
        assert!(Layout::from_wire_order(&[(0, 5), (6, 5)]).is_err());
        let encoded = |values: &[u64]| {
            let mut out = Vec::new();
            for &v in values {
                VInt(v).serialize(&mut out).unwrap();
            }
            out
        };
        // A run continuing one that does not exist.
        assert!(Layout::decode(&mut &encoded(&[1, 3, 5])[..]).is_err());
        // Two runs promised, one there.
        assert!(Layout::decode(&mut &encoded(&[2, 0, 0, 5])[..]).is_err());
        // A huge count in a short file.
        assert!(Layout::decode(&mut &encoded(&[u64::MAX >> 8, 0, 0])[..]).is_err());
    }
}
