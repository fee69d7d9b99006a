"""py-words: asterai:polyglot/words in Python, called from Rust (rust-digest) in another
sandbox."""

import os
import re
from collections import Counter
from typing import List, Optional

from componentize_py_types import Err
from wit_world.exports import Words as WordsProtocol
from wit_world.exports.words import Tally


class Words(WordsProtocol):
    def count(self, text: str) -> List[Tally]:
        counts = Counter(w.lower() for w in re.findall(r"[A-Za-z]+", text))
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [Tally(word=w, count=c) for w, c in ranked]

    def shout(self, text: str) -> str:
        if not text:
            raise Err("nothing to shout (python)")
        return text.upper()

    def setting(self, name: str) -> Optional[str]:
        return os.environ.get(name)
