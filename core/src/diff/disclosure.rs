//! Disclosure documents: published, amended, repealed, withdrawn.

use super::{Aspect, Change, Event, FieldChange, Subject};
use crate::model::{DisclosureMeta, Validity};
use std::collections::BTreeMap;

pub(super) fn diff_all(
    old: &[(&str, &DisclosureMeta)],
    new: &[(&str, &DisclosureMeta)],
) -> Vec<Change> {
    let old: BTreeMap<&str, &DisclosureMeta> = old.iter().copied().collect();
    let new: BTreeMap<&str, &DisclosureMeta> = new.iter().copied().collect();
    let mut out = Vec::new();
    for (slug, n) in &new {
        let change = match old.get(slug) {
            None => Some((Event::Published, published(n))),
            Some(o) => changed(o, n),
        };
        if let Some((event, text)) = change {
            out.push(doc(slug, n, event, text));
        }
    }
    for (slug, o) in &old {
        if !new.contains_key(slug) {
            out.push(doc(slug, o, Event::Withdrawn, "文件撤下".into()));
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn published(n: &DisclosureMeta) -> String {
    if n.number.is_empty() {
        format!("发布《{}》", n.title)
    } else {
        format!("发布《{}》（{}）", n.title, n.number)
    }
}

/// A change of validity is the event; a retitled or renumbered document
/// is a change of its details.
fn changed(o: &DisclosureMeta, n: &DisclosureMeta) -> Option<(Event, String)> {
    if o.validity != n.validity {
        let event = match n.validity {
            Validity::Amended => Event::Amended,
            Validity::Repealed => Event::Repealed,
            Validity::InForce => Event::Changed,
        };
        let text = format!("有效性 {} → {}", o.validity.label(), n.validity.label());
        return Some((event, text));
    }
    if o.title != n.title || o.number != n.number {
        return Some((
            Event::Changed,
            format!("标题或文号改为《{}》{}", n.title, n.number),
        ));
    }
    None
}

fn doc(slug: &str, meta: &DisclosureMeta, event: Event, text: String) -> Change {
    Change {
        subject: Subject::Disclosure,
        id: slug.to_string(),
        name: meta.title.clone(),
        department: meta.agency.clone(),
        event,
        changes: vec![FieldChange {
            aspect: Aspect::Disclosure,
            text,
        }],
    }
}
