"""A self-contained HTML report of a run directory (``report.html``).

Modules
-------
html
    :func:`build_report`: species table with structures, figures, reaction list and an
    interactive species network, in one file that opens offline.
assets
    The inline stylesheet and scripts (no third-party code, no external URL).
"""

from .html import build_report

__all__ = ["build_report"]
