//! rust-digest: asterai:polyglot/digest in Rust. Its `words` import is answered by another
//! component of the environment (Python in the tests), each in its own sandbox.

use asterai::polyglot::words;
use exports::asterai::polyglot::digest::Guest;

wit_bindgen::generate!({ world: "digest-user" });

struct Digest;

impl Guest for Digest {
    fn summary(text: String) -> String {
        let tallies = words::count(&text);
        match tallies.first() {
            Some(top) => format!(
                "{} distinct words; top: {} x{} (by rust)",
                tallies.len(),
                top.word,
                top.count
            ),
            None => "no words (by rust)".to_string(),
        }
    }

    fn loud(text: String) -> Result<String, String> {
        words::shout(&text).map_err(|e| format!("provider says: {e}"))
    }

    fn provider_setting(name: String) -> Option<String> {
        words::setting(&name)
    }
}

export!(Digest);
