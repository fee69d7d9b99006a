//! text-tools in Rust (wit-bindgen). The exported interface `text` becomes the trait
//! `exports::asterai_examples::text_tools::text::Guest`; the record `text-stats` a struct.

use std::collections::HashMap;

use exports::asterai_examples::text_tools::text::{Guest, TextStats};

wit_bindgen::generate!({ world: "text-tools" });

/// The whitespace of the interface: space, tab, LF, VT, FF, CR (Rust's own ASCII whitespace
/// leaves out VT).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Runs of ASCII letters and digits, lower-cased.
fn ascii_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

struct TextTools;

impl Guest for TextTools {
    fn stats(text: String) -> TextStats {
        let lines = text.matches('\n').count() + usize::from(!text.is_empty() && !text.ends_with('\n'));
        TextStats {
            chars: text.chars().count() as u32,
            words: text.split(is_space).filter(|w| !w.is_empty()).count() as u32,
            lines: lines as u32,
        }
    }

    fn slugify(text: String) -> String {
        ascii_words(&text).collect::<Vec<_>>().join("-")
    }

    fn top_words(text: String, n: u32) -> Vec<(String, u32)> {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for word in ascii_words(&text) {
            *counts.entry(word).or_default() += 1;
        }
        let mut ranked: Vec<(String, u32)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked.truncate(n as usize);
        ranked
    }
}

export!(TextTools);
