"""Renderers: pure functions that turn a ``SolveResult`` into text, JSON, CSV, Mermaid or HTML.

Each module exposes ``render(...) -> str``; none of them prints or writes files
(the commands do that, through ``qualplan.atomic.write_atomic`` for files).
"""
