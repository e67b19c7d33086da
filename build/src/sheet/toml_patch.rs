//! Writes an imported item into its TOML file with toml_edit: only the
//! keys whose value changed are touched, each keeping its place and its
//! trailing comment, so officers' comments and key order survive.

use portal_core::model::*;
use serde::Serialize;
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item as TomlItem, Table, Value};

/// Updates `doc` (the file of `old`) to say `new`.
pub fn patch(doc: &mut DocumentMut, old: &Item, new: &Item) {
    write(doc.as_table_mut(), Some(old), new);
}

/// The file of a new item, keys in the documented order.
pub fn new_file(item: &Item, note: &str) -> String {
    let mut doc = DocumentMut::new();
    write(doc.as_table_mut(), None, item);
    format!("# {note}\n{doc}")
}

/// Every field the sheet covers, written when `old` is `None` or differs.
fn write(t: &mut Table, old: Option<&Item>, new: &Item) {
    let changed = |f: &dyn Fn(&Item) -> String| old.is_none_or(|o| f(o) != f(new));
    if old.is_none() {
        put(t, "code", Value::from(new.code.as_str()));
    }
    if changed(&|i| i.name.clone()) {
        put(t, "name", Value::from(new.name.as_str()));
    }
    if changed(&|i| word(i.item_type)) {
        put(t, "item_type", Value::from(word(new.item_type)));
    }
    if changed(&|i| format!("{:?}", i.audience)) {
        let list: Array = new.audience.iter().map(|a| word(*a)).collect();
        put(t, "audience", Value::Array(list));
    }
    if changed(&|i| word(i.level)) {
        put(t, "level", Value::from(word(new.level)));
    }
    if changed(&|i| i.department.clone()) {
        put(t, "department", Value::from(new.department.as_str()));
    }
    if changed(&|i| word(i.handling)) {
        put(t, "handling", Value::from(word(new.handling)));
    }
    if changed(&|i| format!("{:?}", i.statutory_limit)) {
        put_limit(t, "statutory_limit", new.statutory_limit);
    }
    if changed(&|i| format!("{:?}", i.promised_limit)) {
        put_limit(t, "promised_limit", new.promised_limit);
    }
    if changed(&|i| i.visits.to_string()) {
        put(t, "visits", Value::from(i64::from(new.visits)));
    }
    type Text = fn(&Item) -> &String;
    let texts: [(&str, Text); 3] = [
        ("online_url", |i| &i.online_url),
        ("enquiry_phone", |i| &i.enquiry_phone),
        ("complaint_phone", |i| &i.complaint_phone),
    ];
    for (key, get) in texts {
        if changed(&|i| get(i).clone()) {
            put_text(t, key, get(new));
        }
    }
    if changed(&|i| i.last_reviewed.to_string())
        && let Ok(date) = new.last_reviewed.to_string().parse::<toml_edit::Datetime>()
    {
        put(t, "last_reviewed", Value::from(date));
    }
    if changed(&|i| format!("{:?}", i.fees)) {
        put_fees(t, new.fees.as_ref());
    }
    materials(t, old.map_or(&[][..], |o| &o.materials), &new.materials);
    if changed(&|i| format!("{:?}", i.legal_basis)) {
        let tables = new.legal_basis.iter().map(|b| {
            table(&[
                ("law", text(&b.law)),
                ("article", text(&b.article)),
                ("text", text(&b.text)),
            ])
        });
        put_tables(t, "legal_basis", tables.collect());
    }
    if changed(&|i| format!("{:?}", i.windows)) {
        let tables = new.windows.iter().map(|w| {
            table(&[
                ("name", text(&w.name)),
                ("address", text(&w.address)),
                ("hours", text(&w.hours)),
            ])
        });
        put_tables(t, "windows", tables.collect());
    }
}

/// The English word serde writes for an enumerated value.
fn word<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Sets `key` to `v`, keeping the old value's spacing and comment.
fn put(t: &mut Table, key: &str, mut v: Value) {
    match t.get_mut(key) {
        Some(TomlItem::Value(old)) => {
            *v.decor_mut() = old.decor().clone();
            *old = v;
        }
        Some(other) => *other = TomlItem::Value(v),
        None => {
            t.insert(key, TomlItem::Value(v));
        }
    }
}

/// Text, or no key at all when empty (how officers leave out a field).
fn put_text(t: &mut Table, key: &str, v: &str) {
    if v.is_empty() {
        t.remove(key);
    } else {
        put(t, key, Value::from(v));
    }
}

fn text(v: &str) -> Option<Value> {
    (!v.is_empty()).then(|| Value::from(v))
}

fn put_limit(t: &mut Table, key: &str, limit: Option<Limit>) {
    let Some(l) = limit else {
        t.remove(key);
        return;
    };
    let mut inline = InlineTable::new();
    inline.insert("days", Value::from(i64::from(l.days)));
    if l.unit == DayUnit::Calendar {
        inline.insert("unit", Value::from("calendar"));
    }
    put(t, key, Value::InlineTable(inline));
}

fn table(fields: &[(&str, Option<Value>)]) -> Table {
    let mut t = Table::new();
    for (k, v) in fields {
        if let Some(v) = v {
            t.insert(k, TomlItem::Value(v.clone()));
        }
    }
    t
}

fn put_tables(t: &mut Table, key: &str, tables: Vec<Table>) {
    if tables.is_empty() {
        t.remove(key);
        return;
    }
    let mut aot = ArrayOfTables::new();
    for table in tables {
        aot.push(table);
    }
    t.insert(key, TomlItem::ArrayOfTables(aot));
}

fn put_fees(t: &mut Table, fees: Option<&Fees>) {
    let Some(f) = fees else {
        t.remove("fees");
        return;
    };
    if !t.get("fees").is_some_and(TomlItem::is_table) {
        t.insert("fees", TomlItem::Table(Table::new()));
    }
    let Some(ft) = t.get_mut("fees").and_then(TomlItem::as_table_mut) else {
        return;
    };
    put(ft, "charged", Value::from(f.charged));
    let items = f.items.iter().map(|i| {
        let amount = if i.amount.fract() == 0.0 {
            Value::from(i.amount as i64)
        } else {
            Value::from(i.amount)
        };
        table(&[
            ("name", text(&i.name)),
            ("amount", Some(amount)),
            ("unit", text(&i.unit)),
            ("basis", Some(Value::from(i.basis.as_str()))),
        ])
    });
    put_tables(ft, "items", items.collect());
    if !f.waivers.is_empty() && !ft.contains_key("waivers") {
        let list: Array = f.waivers.iter().map(String::as_str).collect();
        put(ft, "waivers", Value::Array(list));
    }
}

/// `[[materials]]` by id: removed tables go, changed ones are patched in
/// place, new ones are appended.
fn materials(t: &mut Table, old: &[Material], new: &[Material]) {
    if !t.contains_key("materials") {
        if new.is_empty() {
            return;
        }
        t.insert("materials", TomlItem::ArrayOfTables(ArrayOfTables::new()));
    }
    let Some(aot) = t
        .get_mut("materials")
        .and_then(TomlItem::as_array_of_tables_mut)
    else {
        // Written some other way (an inline array): replace it whole.
        t.insert("materials", TomlItem::ArrayOfTables(ArrayOfTables::new()));
        return materials(t, &[], new);
    };
    let id_of = |t: &Table| {
        t.get("id")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let keep: Vec<bool> = aot
        .iter()
        .map(|m| new.iter().any(|n| n.id == id_of(m)))
        .collect();
    for i in (0..keep.len()).rev().filter(|i| !keep[*i]) {
        aot.remove(i);
    }
    for m in aot.iter_mut() {
        let id = id_of(m);
        if let (Some(o), Some(n)) = (
            old.iter().find(|o| o.id == id),
            new.iter().find(|n| n.id == id),
        ) {
            material(m, Some(o), n);
        }
    }
    for n in new.iter().filter(|n| !old.iter().any(|o| o.id == n.id)) {
        let mut m = Table::new();
        material(&mut m, None, n);
        aot.push(m);
    }
}

fn material(t: &mut Table, old: Option<&Material>, n: &Material) {
    let changed = |f: &dyn Fn(&Material) -> String| old.is_none_or(|o| f(o) != f(n));
    if old.is_none() {
        put(t, "id", Value::from(n.id.as_str()));
    }
    if changed(&|m| m.name.clone()) {
        put(t, "name", Value::from(n.name.as_str()));
    }
    if changed(&|m| format!("{:?}", m.source)) {
        match n.source {
            Some(s) => put(t, "source", Value::from(word(s))),
            None => {
                t.remove("source");
            }
        }
    }
    if changed(&|m| m.originals.to_string()) {
        put(t, "originals", Value::from(i64::from(n.originals)));
    }
    if changed(&|m| m.copies.to_string()) {
        put(t, "copies", Value::from(i64::from(n.copies)));
    }
    if changed(&|m| word(m.medium)) {
        put(t, "medium", Value::from(word(n.medium)));
    }
    if changed(&|m| word(m.requirement)) {
        put(t, "requirement", Value::from(word(n.requirement)));
    }
    if changed(&|m| m.notes.clone()) {
        put_text(t, "notes", &n.notes);
    }
    if changed(&|m| m.blank_form.clone()) {
        put_text(t, "blank_form", &n.blank_form);
    }
}
