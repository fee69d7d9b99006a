"""py-report: the Python provider of asterai:compose/report, built on text (JavaScript), which
is built on math (C): each runs in its own sandbox.

componentize-py looks up one class per exported interface by name (`Report`).
"""

from wit_world.exports import Report as ReportProtocol
from wit_world.imports import text


class Report(ReportProtocol):
    def report(self, a: int, b: int) -> str:
        return "report: " + text.summary(a, b)

    def math_env(self, name: str) -> str:
        value = text.math_env(name)
        return "unset" if value is None else value
