"""Sphinx configuration: offline build, executed MyST pages, numpydoc-style API."""

from __future__ import annotations

import talentflow

project = "talentflow"
author = "talentflow developers"
release = talentflow.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
napoleon_google_docstring = False
napoleon_numpy_docstring = True
autosummary_generate = True
autodoc_typehints = "description"
autodoc_member_order = "bysource"

myst_enable_extensions = ["colon_fence", "dollarmath"]
nb_execution_mode = "force"
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_merge_streams = True

exclude_patterns = ["_build", "**.ipynb_checkpoints"]
html_theme = "pydata_sphinx_theme"
html_title = "talentflow"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
suppress_warnings = ["mystnb.unknown_mime_type"]
