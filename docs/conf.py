"""Sphinx configuration: the Markdown pages of docs/ (MyST) and the API reference from docstrings (numpydoc via napoleon)."""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

project = "seinet"
author = "seinet developers"
from seinet import __version__ as release  # noqa: E402

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.autosummary",
              "sphinx.ext.mathjax"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build"]
autosummary_generate = True
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autodoc_typehints = "description"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
autodoc_mock_imports = ["calorine", "wulffpack", "torch", "tblite"]
myst_heading_anchors = 3
html_theme = "alabaster"
# re-exported names (seinet.bonds.ContactRules is seinet.bonds.cutoffs.ContactRules) resolve to two targets
suppress_warnings = ["myst.header", "myst.xref_missing", "autosummary", "ref.python"]
