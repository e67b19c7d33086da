//! Working out, at build time, the order the index travels in (see
//! [`crate::layout`]) and where each field's dictionary lies.

use crate::chunks::{CHUNK_SIZE, FileTable};
use crate::layout::Layout;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use tantivy::directory::footer::Footer;
use tantivy::directory::{CompositeFile, FileSlice, OwnedBytes};
use tantivy::index::SegmentComponent;
use tantivy::schema::Field;
use tantivy::{HasLen, Index, SegmentReader};

/// Postings and positions of every field per bucket: about a chunk, so a
/// term's share of a query's reads is one or two chunks.
const BUCKET: usize = CHUNK_SIZE;

/// One field's part of a segment's postings or positions file.
struct Section {
    /// Where the part lies in the blob.
    blob: Range<usize>,
    /// Each term's key and where its bytes start, relative to the part.
    terms: Vec<(Vec<u8>, usize)>,
}

/// The term-major layout of `blob`, which holds `index`'s files as
/// `files` says: every postings and positions section is cut where the
/// term buckets begin, and the buckets travel one after the other, each
/// with every field's share; all other bytes travel first, in order.
pub fn layout(index: &Index, blob: &[u8], files: &FileTable) -> tantivy::Result<Layout> {
    let mut sections = Vec::new();
    let mut cost: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
    for segment in index.reader()?.searcher().segment_readers() {
        let postings = field_parts(index, segment, SegmentComponent::Postings, blob, files)?;
        let positions = field_parts(index, segment, SegmentComponent::Positions, blob, files)?;
        for (field, entry) in index.schema().fields() {
            if !entry.is_indexed() {
                continue;
            }
            let (mut p, mut x) = (Vec::new(), Vec::new());
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let (key, info) = (stream.key(), stream.value());
                *cost.entry(key.to_vec()).or_default() +=
                    info.postings_range.len() + info.positions_range.len();
                p.push((key.to_vec(), info.postings_range.start));
                x.push((key.to_vec(), info.positions_range.start));
            }
            // Fields without positions have no part in that file.
            for (parts, terms) in [(&postings, p), (&positions, x)] {
                if let Some(blob) = parts.get(&field) {
                    let blob = blob.clone();
                    sections.push(Section { blob, terms });
                }
            }
        }
    }
    let starts = bucket_starts(&cost);
    Layout::from_wire_order(&runs(blob.len(), &sections, &starts))
        .map_err(tantivy::TantivyError::from)
}

/// Blob ranges of the term dictionaries of `fields`, in that order.
pub fn dictionaries(
    index: &Index,
    blob: &[u8],
    files: &FileTable,
    fields: &[Field],
) -> tantivy::Result<Vec<Range<usize>>> {
    let mut out = Vec::new();
    for segment in index.reader()?.searcher().segment_readers() {
        let parts = field_parts(index, segment, SegmentComponent::Terms, blob, files)?;
        out.extend(fields.iter().filter_map(|f| parts.get(f).cloned()));
    }
    Ok(out)
}

/// The first key of every bucket but the first: a bucket closes once its
/// terms' bytes reach [`BUCKET`].
fn bucket_starts(cost: &BTreeMap<Vec<u8>, usize>) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut filled = 0;
    for (key, bytes) in cost {
        if filled >= BUCKET {
            starts.push(key.as_slice());
            filled = 0;
        }
        filled += bytes;
    }
    starts
}

/// The runs in wire order: bytes outside every section, then bucket by
/// bucket each section's share.
fn runs(len: usize, sections: &[Section], starts: &[&[u8]]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut spans: Vec<Range<usize>> = sections.iter().map(|s| s.blob.clone()).collect();
    spans.sort_by_key(|r| r.start);
    let mut at = 0;
    for span in spans {
        out.push((at, span.start - at));
        at = span.end;
    }
    out.push((at, len - at));
    // Where each bucket begins in each section; the first bucket also takes
    // anything before the section's first term.
    let cuts: Vec<Vec<usize>> = sections
        .iter()
        .map(|s| {
            let mut cut = vec![0];
            cut.extend(starts.iter().map(|key| {
                let i = s.terms.partition_point(|(k, _)| k.as_slice() < *key);
                s.terms.get(i).map_or(s.blob.len(), |(_, offset)| *offset)
            }));
            cut.push(s.blob.len());
            cut
        })
        .collect();
    for bucket in 0..=starts.len() {
        for (s, cut) in sections.iter().zip(&cuts) {
            out.push((s.blob.start + cut[bucket], cut[bucket + 1] - cut[bucket]));
        }
    }
    out
}

/// Each field's part of one of `segment`'s composite files, in blob
/// offsets.
fn field_parts(
    index: &Index,
    segment: &SegmentReader,
    component: SegmentComponent,
    blob: &[u8],
    files: &FileTable,
) -> tantivy::Result<BTreeMap<Field, Range<usize>>> {
    let path = index
        .searchable_segment_metas()?
        .into_iter()
        .find(|m| m.id() == segment.segment_id())
        .map(|m| m.relative_path(component).to_string_lossy().into_owned());
    let Some(&(offset, len)) = path.and_then(|p| files.get(&p)) else {
        return Ok(BTreeMap::new());
    };
    let bytes = OwnedBytes::new(blob[offset..offset + len].to_vec());
    // Files end in tantivy's footer (version, checksum): the composite
    // file is what comes before it.
    let (_, body) = Footer::extract_footer(FileSlice::new(Arc::new(bytes.clone())))?;
    let composite = CompositeFile::open(&body)?;
    let mut parts = BTreeMap::new();
    for (field, _) in segment.schema().fields() {
        if let Some(part) = composite.open_read(field) {
            // A part is a slice of `bytes`: its address tells where.
            let start = part.read_bytes()?.as_ptr() as usize - bytes.as_ptr() as usize;
            parts.insert(field, offset + start..offset + start + part.len());
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writer::{IndexDoc, build_files};

    /// Items whose words are in their names, materials and guide text:
    /// each term has postings in three fields.
    fn docs() -> Vec<IndexDoc> {
        let things = ["营业执照", "身份证", "户口迁移", "社会保障卡", "不动产登记"];
        (0..10_000)
            .map(|i| {
                let thing = things[i % things.len()];
                IndexDoc {
                    card: crate::Card {
                        code: format!("C{i}"),
                        name: format!("{thing}办理{i}"),
                        ..Default::default()
                    },
                    materials: format!("{thing}复印件{i}份"),
                    body: format!("{thing}的办理流程{i}，窗口{}号，材料清单第{i}项", i % 40),
                    ..Default::default()
                }
            })
            .collect()
    }

    #[test]
    fn a_terms_postings_in_every_field_travel_together() {
        let (index, files) = build_files(&docs()).unwrap();
        let (blob, table) = crate::chunks::lay_end_to_end(files);
        let layout = layout(&index, &blob, &table).unwrap();
        let searcher = index.reader().unwrap().searcher();
        let segment = &searcher.segment_readers()[0];
        let parts =
            field_parts(&index, segment, SegmentComponent::Postings, &blob, &table).unwrap();
        let f = crate::schema::fields(&index.schema());
        for word in ["营业", "身份", "迁移", "登记"] {
            let (mut blob_span, mut wire_span) = ((usize::MAX, 0), (usize::MAX, 0));
            for field in [f.name, f.requirements, f.body] {
                let inverted = segment.inverted_index(field).unwrap();
                let info = inverted.terms().get(word).unwrap().expect("indexed");
                let start = parts[&field].start;
                let range = start + info.postings_range.start..start + info.postings_range.end;
                blob_span = (blob_span.0.min(range.start), blob_span.1.max(range.end));
                for w in layout.wire_ranges(&range) {
                    wire_span = (wire_span.0.min(w.start), wire_span.1.max(w.end));
                }
            }
            assert!(
                blob_span.1 - blob_span.0 > 4 * BUCKET,
                "{word}: fields lie apart"
            );
            assert!(
                wire_span.1 - wire_span.0 < 2 * BUCKET,
                "{word}: travels within {} bytes",
                wire_span.1 - wire_span.0
            );
        }
        // The layout is a list of buckets × fields, not of terms.
        let terms: usize = [f.name, f.requirements, f.body]
            .iter()
            .map(|&field| segment.inverted_index(field).unwrap().terms().num_terms())
            .sum();
        assert!(
            layout.runs() * 10 < terms,
            "{} runs for {terms} terms",
            layout.runs()
        );
        let bytes = layout.encode();
        assert_eq!(Layout::decode(&mut &bytes[..]).unwrap(), layout);
    }
}
