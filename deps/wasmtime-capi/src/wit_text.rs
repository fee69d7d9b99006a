//! The WIT of a component, read back from the component's own type information (what
//! `wasm-tools component wit` prints), with the `///` docs of an `asterai-wit-docs` section
//! put back. `asterai push` attaches it when no project WIT folder applies, so a component
//! built anywhere publishes its interface.
use serde_json::Value;
use wasmtime_c_api::wasmtime::format_err;
use wasmtime_c_api::{wasm_byte_vec_t, wasmtime_error_t};
use wit_component::WitPrinter;
use wit_parser::decoding::{DecodedWasm, decode};
use wit_parser::{Docs, PackageId, Resolve, TypeDefKind, WorldId, WorldItem};

/// Written by `asterai build`: the source package's `package-docs` payload (a version byte,
/// then JSON: {docs, worlds: {name: {docs, funcs, ...}}, interfaces: {name: {docs, funcs,
/// types: {name: {docs, items}}}}}).
const DOCS_SECTION: &str = "asterai-wit-docs";

fn docs_payload(bytes: &[u8]) -> Option<Value> {
    let mut depth = 0usize;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload.ok()? {
            wasmparser::Payload::ModuleSection { .. } | wasmparser::Payload::ComponentSection { .. } => {
                depth += 1
            }
            wasmparser::Payload::End(_) => depth = depth.saturating_sub(1),
            wasmparser::Payload::CustomSection(s) if depth == 0 && s.name() == DOCS_SECTION => {
                return serde_json::from_slice(s.data().get(1..)?).ok();
            }
            _ => {}
        }
    }
    None
}

/// A docs entry is a string or {"docs": string, ...}.
fn docs_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("docs").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

fn set(docs: &mut Docs, v: Option<&Value>) {
    if docs.contents.is_none() {
        if let Some(text) = v.and_then(docs_of) {
            docs.contents = Some(text);
        }
    }
}

fn apply_type_docs(resolve: &mut Resolve, id: wit_parser::TypeId, meta: &Value) {
    let ty = &mut resolve.types[id];
    set(&mut ty.docs, Some(meta));
    let Some(items) = meta.get("items") else { return };
    match &mut ty.kind {
        TypeDefKind::Record(r) => r.fields.iter_mut().for_each(|f| set(&mut f.docs, items.get(&f.name))),
        TypeDefKind::Variant(v) => v.cases.iter_mut().for_each(|c| set(&mut c.docs, items.get(&c.name))),
        TypeDefKind::Enum(e) => e.cases.iter_mut().for_each(|c| set(&mut c.docs, items.get(&c.name))),
        TypeDefKind::Flags(f) => f.flags.iter_mut().for_each(|c| set(&mut c.docs, items.get(&c.name))),
        _ => {}
    }
}

/// The package whose interface names match the docs best (the source package the component
/// exports); WASI packages lose ties.
fn docs_package(resolve: &Resolve, root: PackageId, interfaces: &serde_json::Map<String, Value>) -> Option<PackageId> {
    resolve
        .packages
        .iter()
        .filter(|(id, _)| *id != root)
        .map(|(id, p)| {
            let matched = p.interfaces.keys().filter(|n| interfaces.contains_key(*n)).count();
            (matched, p.name.namespace != "wasi", id)
        })
        .filter(|(matched, _, _)| *matched > 0)
        .max()
        .map(|(_, _, id)| id)
}

fn apply_docs(resolve: &mut Resolve, world: WorldId, meta: &Value) {
    let root = resolve.worlds[world].package.expect("a decoded world has a package");
    if let Some(interfaces) = meta.get("interfaces").and_then(Value::as_object) {
        if let Some(pkg) = docs_package(resolve, root, interfaces) {
            let ids: Vec<_> = resolve.packages[pkg].interfaces.iter().map(|(n, id)| (n.clone(), *id)).collect();
            for (name, id) in ids {
                let Some(m) = interfaces.get(&name) else { continue };
                set(&mut resolve.interfaces[id].docs, Some(m));
                let funcs = m.get("funcs");
                for f in resolve.interfaces[id].functions.values_mut() {
                    set(&mut f.docs, funcs.and_then(|fs| fs.get(&f.name)));
                }
                let types: Vec<_> = resolve.interfaces[id].types.iter().map(|(n, t)| (n.clone(), *t)).collect();
                for (tname, tid) in types {
                    if let Some(tm) = m.get("types").and_then(|t| t.get(&tname)) {
                        apply_type_docs(resolve, tid, tm);
                    }
                }
            }
        }
    }
    // The source world is not in the decoded component (its root world stands for it): its
    // docs and those of the functions it exports directly go to the root world.
    let Some(worlds) = meta.get("worlds").and_then(Value::as_object) else { return };
    let Some(source) = worlds.values().next().filter(|_| worlds.len() == 1) else { return };
    set(&mut resolve.worlds[world].docs, Some(source));
    let funcs = source.get("funcs");
    for item in resolve.worlds[world].exports.values_mut() {
        if let WorldItem::Function(f) = item {
            set(&mut f.docs, funcs.and_then(|fs| fs.get(&f.name)));
        }
    }
}

fn component_wit(bytes: &[u8]) -> Result<String, String> {
    // wit-parser's decoder sizes tables from counts it reads before anything checks them: a
    // 370-byte invalid component made it allocate 1.3 GB (tests/fuzz/component_fuzz). The
    // validator bounds every count, and is cheap next to decoding: it runs first.
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(bytes)
        .map_err(|e| format!("not a valid component: {e}"))?;
    let (mut resolve, world) = match decode(bytes).map_err(|e| format!("{e:#}"))? {
        DecodedWasm::Component(resolve, world) => (resolve, world),
        DecodedWasm::WitPackage(..) => return Err("this is a WIT package, not a component".into()),
    };
    if let Some(meta) = docs_payload(bytes) {
        apply_docs(&mut resolve, world, &meta);
    }
    let root = resolve.worlds[world].package.expect("a decoded world has a package");
    let nested: Vec<PackageId> = resolve.packages.iter().map(|(id, _)| id).filter(|id| *id != root).collect();
    let mut printer = WitPrinter::default();
    printer.print(&resolve, root, &nested).map_err(|e| format!("{e:#}"))?;
    Ok(printer.output.to_string())
}

/// The component's WIT as one text (its root package, then the packages it uses, nested).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn asterai_component_wit(
    bytes: *const u8,
    len: usize,
    out: &mut wasm_byte_vec_t,
) -> Option<Box<wasmtime_error_t>> {
    let bytes = unsafe { std::slice::from_raw_parts(bytes, len) };
    match component_wit(bytes) {
        Ok(text) => {
            out.set_buffer(text.into_bytes());
            None
        }
        Err(e) => Some(Box::new(wasmtime_error_t::from(format_err!("{e}")))),
    }
}
