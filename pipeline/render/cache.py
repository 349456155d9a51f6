"""Bytes a renderer made that a later build may use again: the EPUB's cover image and its font subsets.

An entry is named by a digest of everything its bytes depend on: what the renderer puts in (the cover's HTML, a
font file and the characters it keeps) and the build's `salt`, the fingerprints of the software and of the
layouts, which every entry depends on without naming it.  A translator's one-word change therefore reuses the
cover and the fonts, and an upgrade of WeasyPrint or a changed style sheet makes new ones.  The runner hands a
worker the entries its tasks used last time and keeps, in the output folder, those a build made.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Mapping


@dataclass
class RenderCache:
    salt: str  # the fingerprints every entry depends on (software, layouts)
    known: Mapping[str, bytes] = field(default_factory=dict)  # entries from earlier builds, by name
    made: dict[str, bytes] = field(default_factory=dict)  # entries made now
    used: list[str] = field(default_factory=list)  # the names of the entries asked for, in order

    def name(self, kind: str, *inputs: bytes) -> str:
        hasher = hashlib.sha256(f"{kind}\0{self.salt}\0".encode("utf-8"))
        for data in inputs:
            hasher.update(hashlib.sha256(data).digest())
        return f"{kind}-{hasher.hexdigest()}"

    def get(self, kind: str, inputs: tuple[bytes, ...], make: Callable[[], bytes]) -> bytes:
        """The bytes `make` gives for `inputs`, made only if no build made them before."""
        key = self.name(kind, *inputs)
        if key not in self.used:
            self.used.append(key)
        if key in self.known:
            return self.known[key]
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]
