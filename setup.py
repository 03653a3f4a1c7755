"""Build hook: compile the alignment core with mypyc (1.8x faster diffs) and the C helpers beside it (the corpus
index's shingle hashes); STORYTRACE_PURE=1 builds without them.

The list of compiled modules and the digest of their sources come from src/storytrace/_compiled.py, which
decides at import whether the compiled modules match the source beside them.
"""

import os
import runpy
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
COMPILED = runpy.run_path(str(ROOT / "src" / "storytrace" / "_compiled.py"))


class BuildAndRecord(build_ext):
    """Build the extensions, then record the digest of the sources they were built from beside them."""

    def run(self) -> None:
        super().run()
        package_dir = Path(self.get_ext_fullpath("storytrace.diff")).parent
        digest = COMPILED["source_digest"](ROOT / "src" / "storytrace")
        (package_dir / COMPILED["DIGEST_FILE"]).write_text(digest + "\n", encoding="ascii")


def extensions() -> list:
    if os.environ.get("STORYTRACE_PURE", "") not in ("", "0"):
        return []
    from mypyc.build import mypycify

    sources = [f"src/storytrace/{name}.py" for name in COMPILED["MODULES"]]
    # The project's strict mypy settings are checked by `make types`; compiling needs only the types, and the
    # build environment does not have the third-party packages installed (their imports are typed as Any here).
    flags = ["--config-file", os.devnull, "--ignore-missing-imports", "--python-version", "3.11"]
    headers = [f"src/storytrace/{header}" for header in COMPILED["C_HEADERS"]]
    native = [Extension(f"storytrace.{name.replace('/', '.')}", [f"src/storytrace/{name}.c"], depends=headers)
              for name in COMPILED["C_MODULES"]]
    return [*mypycify([*flags, *sources], opt_level="3"), *native]


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildAndRecord})
