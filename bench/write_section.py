#!/usr/bin/env python3
"""Replaces one "## HEADING" section of a Markdown file (up to the next "## " heading or the
end) with the contents of SECTION_FILE, or appends it when absent. Benchmark scripts use it so
each owns its own section of docs/benchmarks.md.

usage: write_section.py DOC HEADING SECTION_FILE
"""
import os
import re
import sys

if len(sys.argv) != 4:
    sys.exit(__doc__.strip().splitlines()[-1])
doc, heading, section_file = sys.argv[1:]
section = open(section_file).read().rstrip() + "\n"
text = open(doc).read() if os.path.exists(doc) else "# Benchmarks\n"
pattern = re.compile(r"^## " + re.escape(heading) + r"\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(text):
    text = pattern.sub(lambda _: section + "\n", text)
else:
    text = text.rstrip() + "\n\n" + section
tmp = doc + ".tmp"
with open(tmp, "w") as f:
    f.write(text.rstrip() + "\n")
os.replace(tmp, doc)
