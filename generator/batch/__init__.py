"""Batch builds for a finance bureau: many departments in one call (`budgetdoc build`).

Library API: ``build(inputs, out, BuildOptions(...)) -> BuildReport``; PDF converters in
``generator.batch.office`` (``OfficeConverter``: one long-lived LibreOffice).
"""

from .build import BuildOptions, BuildReport, build
from .discover import Shard

__all__ = ["BuildOptions", "BuildReport", "Shard", "build"]
