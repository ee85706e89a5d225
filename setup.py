"""Build hook: package the top-level ``resources/`` folder as ``inspector/_resources``.

Everything else about the package is in pyproject.toml. Runtime code finds the resources with
``inspector.resources.resource_dir()`` in a checkout, an installed wheel and a frozen bundle.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads resources/ from the checkout
        target = Path(self.build_lib) / "inspector" / "_resources"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            HERE / "resources",
            target,
            ignore=shutil.ignore_patterns("*.py", "__pycache__"),
        )


setup(cmdclass={"build_py": BuildPyWithResources})
