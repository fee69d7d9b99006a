"""text-tools in Python (componentize-py).

componentize-py generates `wit_world` from ../wit and looks up one class per exported
interface, named after it: `Text` for `text`. Records are dataclasses, tuples are tuples.
"""

import re
from collections import Counter
from typing import List, Tuple

from wit_world.exports import Text as TextProtocol
from wit_world.exports.text import TextStats

ASCII_SPACE = re.compile(r"[ \t\n\v\f\r]+")
ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


class Text(TextProtocol):
    def stats(self, text: str) -> TextStats:
        words = len([w for w in ASCII_SPACE.split(text) if w])
        lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
        return TextStats(chars=len(text), words=words, lines=lines)

    def slugify(self, text: str) -> str:
        return "-".join(w.lower() for w in ASCII_WORD.findall(text))

    def top_words(self, text: str, n: int) -> List[Tuple[str, int]]:
        counts = Counter(w.lower() for w in ASCII_WORD.findall(text))
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:n]
