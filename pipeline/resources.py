"""What booklet ships besides its code, found beside the code whether it runs from a wheel or a checkout.

In the repository `pipeline/layouts` and `pipeline/translations` are links to the top-level folders (the
design keeps them at the top, where a project keeps its own); a wheel holds copies of them (pyproject.toml's
package-data), so the same paths work in both and nothing looks for a git checkout.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUILTIN_LAYOUTS = PACKAGE_DIR / "layouts"
# The built-in labels' template and translations (`ui.pot`, `<locale>/LC_MESSAGES/ui.po`); a project's own
# translations of them merge over these.
BUILTIN_TRANSLATIONS = PACKAGE_DIR / "translations"
# What `booklet init` copies into a new project folder.
PROJECT_TEMPLATE = PACKAGE_DIR / "data" / "new-project"
