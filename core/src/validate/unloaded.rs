//! What failed to load, and the problems that follow from it. A reference
//! to something that exists but has an error is reported under that
//! error (`caused_by`), never as an unknown id with a "did you mean" that
//! sends the officer to another entity.

use crate::model::{Kind, Unloaded};
use crate::problem::{Cause, Problem};
use std::collections::{HashMap, HashSet};

/// Lookups over [`crate::model::Catalog::unloaded`].
#[derive(Default)]
pub(super) struct Broken<'a> {
    /// An entity of this kind and id failed to load.
    ids: HashMap<(Kind, &'a str), &'a Cause>,
    /// A file of this kind failed and may have defined any id.
    whole: HashMap<Kind, &'a Cause>,
    /// Materials that failed, by (item file, material id).
    materials: HashMap<(&'a str, &'a str), &'a Cause>,
    /// Items with a material that failed and whose id is unknown.
    materials_whole: HashMap<&'a str, &'a Cause>,
    /// (item file, index) of each material that failed: placeholders.
    material_slots: HashSet<(&'a str, usize)>,
    /// Every kind something failed to load of.
    kinds: HashSet<Kind>,
}

impl<'a> Broken<'a> {
    pub(super) fn new(unloaded: &'a [Unloaded]) -> Broken<'a> {
        let mut b = Broken::default();
        for u in unloaded {
            let cause = &u.cause;
            b.kinds.insert(u.kind);
            match (u.kind, u.id.as_deref()) {
                (Kind::Material, id) => {
                    let file = cause.file.as_str();
                    match id {
                        Some(id) => b.materials.entry((file, id)).or_insert(cause),
                        None => b.materials_whole.entry(file).or_insert(cause),
                    };
                    if let Some(i) = u.entry {
                        b.material_slots.insert((file, i));
                    }
                }
                (kind, Some(id)) => {
                    b.ids.entry((kind, id)).or_insert(cause);
                }
                (kind, None) => {
                    b.whole.entry(kind).or_insert(cause);
                }
            }
        }
        b
    }

    /// Did a file of `kind` fail to load (so lists of that kind are incomplete)?
    pub(super) fn any(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }

    /// Is the material at `index` of the item in `file` a placeholder for
    /// one that failed to load? Rules skip it: its error is reported.
    pub(super) fn material_slot(&self, file: &str, index: usize) -> bool {
        self.material_slots.contains(&(file, index))
    }

    /// The problem for a reference to `id` that was not found, when that
    /// follows from a loading error; `None` when it is simply unknown.
    /// `file` and `field` are where the reference is.
    pub(super) fn reference(
        &self,
        kind: Kind,
        id: &str,
        file: &str,
        field: &str,
    ) -> Option<Problem> {
        let noun = noun(kind);
        if let Some(cause) = self.ids.get(&(kind, id)) {
            return Some(has_errors(file, field, noun, id, cause));
        }
        let cause = self.whole.get(&kind)?;
        Some(maybe_in(file, field, noun, id, cause))
    }

    /// The problem for an internal link `link` (at line `line` of `file`)
    /// to the page of something that failed to load.
    pub(super) fn link(&self, kind: Kind, id: &str, file: &str, link: &str) -> Option<Problem> {
        let noun = noun(kind);
        let (message, cause) = match self.ids.get(&(kind, id)) {
            Some(cause) => (
                format!("the link `{link}` leads to the {noun} `{id}`, which could not be loaded"),
                *cause,
            ),
            None => (
                format!("the link `{link}` leads to an unknown {noun} `{id}`"),
                *self.whole.get(&kind)?,
            ),
        };
        Some(
            Problem::error(file, "", message)
                .hint(format!("fix the error at {cause} first"))
                .because(cause),
        )
    }

    /// [`Broken::reference`] for a material of the item in `file`.
    pub(super) fn material(&self, file: &str, id: &str, field: &str) -> Option<Problem> {
        if let Some(cause) = self.materials.get(&(file, id)) {
            return Some(has_errors(file, field, "material", id, cause));
        }
        let cause = self.materials_whole.get(file)?;
        Some(maybe_in(file, field, "material", id, cause))
    }
}

/// What officers call an entity of `kind`.
pub(super) fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Site => "category",
        Kind::Department => "department",
        Kind::Theme => "theme",
        Kind::Item => "item",
        Kind::Material => "material",
        Kind::Guide => "guide",
        Kind::Disclosure => "document",
    }
}

/// The referenced entity exists, but its error keeps it from loading.
fn has_errors(file: &str, field: &str, noun: &str, id: &str, cause: &Cause) -> Problem {
    Problem::error(
        file,
        field,
        format!("the {noun} `{id}` could not be loaded"),
    )
    .hint(format!("fix the error at {cause} first"))
    .because(cause)
}

/// Not found, but a file that failed to load may define it.
fn maybe_in(file: &str, field: &str, noun: &str, id: &str, cause: &Cause) -> Problem {
    Problem::error(file, field, format!("unknown {noun} `{id}`"))
        .hint(format!(
            "{} could not be loaded and may define it: fix the error at {cause} first",
            cause.file
        ))
        .because(cause)
}
