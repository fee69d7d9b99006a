"""word-report in Python (componentize-py): asterai:mcp's content types as results, and the
client import (log, progress, elicit) while a call runs. componentize-py looks up `WitWorld`;
the bindings are generated at build time into `wit_world`."""

import json
import re
from collections import Counter

import wit_world
from componentize_py_types import Err
from wit_world.imports import client, types

TOP = 10
LINES_PER_PROGRESS = 1000
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

GREETING_SCHEMA = json.dumps({
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "Your name"},
        "style": {"type": "string", "enum": ["formal", "casual"], "default": "casual"},
    },
    "required": ["name"],
})


def csv_field(word: str) -> str:
    return '"' + word.replace('"', '""') + '"' if any(c in word for c in ',"\n') else word


class WitWorld(wit_world.WitWorld):
    def word_report(self, text: str) -> types.ToolResult:
        lines = text.splitlines() or [""]
        counts: Counter[str] = Counter()
        for start in range(0, len(lines), LINES_PER_PROGRESS):
            if client.cancelled():
                return types.ToolResult([types.Content_Text("Cancelled by the client.")], True)
            for line in lines[start:start + LINES_PER_PROGRESS]:
                counts.update(w.lower() for w in WORD.findall(line))
            client.progress(float(min(start + LINES_PER_PROGRESS, len(lines))), float(len(lines)), None)
        total = sum(counts.values())
        client.log(client.LogLevel.INFO, "word-report", f"{total} words, {len(counts)} different, {len(lines)} lines")
        # Most frequent first, ties in alphabetical order (so the report is reproducible).
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP]
        summary = f"{total} words, {len(counts)} different"
        if top:
            summary += f"; the most frequent is “{top[0][0]}” ({top[0][1]} times)"
        csv = "word,count\n" + "".join(f"{csv_field(w)},{n}\n" for w, n in top)
        resource = types.ResourceContents("report://top-words.csv", "text/csv", types.ResourceBody_Text(csv))
        return types.ToolResult([types.Content_Text(summary + "."), types.Content_EmbeddedResource(resource)], False)

    def greet_user(self) -> str:
        try:
            answer = client.elicit("Who should I greet?", GREETING_SCHEMA)
        except Err as e:
            raise Err(f"cannot ask the user: {e.value}")
        if answer.action != client.ElicitationAction.ACCEPT or answer.content is None:
            raise Err(f"the user chose {answer.action.name.lower()}")
        values = json.loads(answer.content)
        name = values.get("name", "").strip()
        if not name:
            raise Err("the user gave no name")
        return f"Good day, {name}." if values.get("style") == "formal" else f"Hi {name}!"
