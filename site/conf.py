"""Sphinx configuration of the study's site (built by ``python -m helpers.run.site``, ``make report``).

The build driver stages this folder, the numbered notebooks, the figures and the derived tables
into ``build/site-src/`` and runs Sphinx there; see ``src/helpers/run/site.py``.
"""

import re
from pathlib import Path

from docutils import nodes
from myst_nb.core.variables import format_plain_text
from myst_nb.ext.glue.crossref import read_glue_cache
from myst_nb.ext.glue.utils import PendingGlueReference
from sphinx.transforms.post_transforms import SphinxPostTransform

project = "From last place to later progress"
author = "The DTI Vietnam study contributors"
copyright = "the study contributors; code under the MIT licence"
language = "en"

extensions = ["myst_nb", "sphinxcontrib.bibtex"]

# Render the outputs stored in the committed notebooks; never execute a notebook here.
nb_execution_mode = "off"
nb_merge_streams = True
myst_heading_anchors = 3

root_doc = "index"
exclude_patterns = ["glue_cells.md", "_generated/*", "_extra/*", "**/.ipynb_checkpoints", "conf.py"]
# Notebooks start at a level-one title and use level-two sections. A cited value that a notebook does
# not record is reported once by the build driver (and shown on the page), not once per citation.
suppress_warnings = ["myst.header", "mystnb.glue_ref"]

bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

html_theme = "sphinx_book_theme"
html_title = "From last place to later progress"
html_static_path = ["_static"]
# The values below are written as the theme completes them, so that the configuration Sphinx keeps
# between builds equals the next one read from here: otherwise every page is rewritten after a
# fresh build ("the configuration has changed").
html_css_files = [("site.css", {"priority": 800})]
html_permalinks_icon = "#"
html_sourcelink_suffix = ""
html_extra_path = ["_extra"]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None  # no build date: two builds give the same pages
# Search results without snippets: a snippet is fetched from its page, which a browser refuses under file://.
html_show_search_summary = False
html_context = {"default_mode": "light"}  # a fixed mode: no theme switch from an empty local store
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "navbar_persistent": ["search-button-field"],
    "icon_links": [],
    "logo": {},
}

# A page that glues values from another document (`{glue:text}`notebooks/x.ipynb::key``) must be
# rebuilt when that notebook changes: record the notebook as a dependency of the page.
_CROSS_GLUE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+\.ipynb)::")


def _note_glue_sources(app, docname, source):
    for target in sorted(set(_CROSS_GLUE.findall(source[0]))):
        app.env.note_dependency(str(Path(app.srcdir, Path(docname).parent, target)))


class LinkGluedValues(SphinxPostTransform):
    """Make every value glued from a notebook (``{glue:text}`notebooks/x.ipynb::key:fmt```) a link to the
    row of that notebook's table of recorded values (``#value-<key>``, written by
    ``helpers.findings.record``), titled with its name and value. It runs just before myst-nb replaces
    the pending references (its priority 5), so the pasted text lands inside the link."""

    default_priority = 4
    formats = ("html",)

    def apply(self, **kwargs):
        folder = self.env.mystnb_config.output_folder
        for node in list(self.document.findall(PendingGlueReference)):
            output = read_glue_cache(folder, node.refdoc).get(node.key)
            if output is None or node.gtype != "text" or "text/plain" not in output.get("data", {}):
                continue  # myst-nb reports it (a missing value is also named by the build driver)
            try:
                shown = format_plain_text(output["data"]["text/plain"], node["fmt_spec"])
            except (ValueError, TypeError, SyntaxError):
                continue  # myst-nb reports the failure
            uri = self.app.builder.get_relative_uri(self.env.docname, node.refdoc) + f"#value-{node.key}"
            link = nodes.reference("", "", refuri=uri, reftitle=f"{node.key} = {shown}", internal=True,
                                   classes=["glued-value"])
            node.replace_self(link)
            link += node


def _theme_components() -> list[str]:
    """The template folders the two themes add to ``templates_path`` (book theme first, as they end up)."""
    import pydata_sphinx_theme
    import sphinx_book_theme

    return [str(Path(sphinx_book_theme.get_html_theme_path()) / "components"),
            str(Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "components")]


# The themes append their folders at every start; written here in full and deduplicated after them,
# the value equals the one kept from the previous build.
templates_path = _theme_components()


def _dedupe_templates_path(app, *_):
    app.config.templates_path = list(dict.fromkeys(app.config.templates_path))


def _note_reread(app, env, docnames):
    app.study_reread = set(docnames)


def _navigation_changed(app, env):
    """Every page carries the navigation: when the profiles page (whose toctree lists the profiles) was
    re-read, rewrite every page (without reading it again), or their sidebars would keep the old list."""
    if "profiles" in getattr(app, "study_reread", ()):
        return sorted(env.found_docs)
    return []


def setup(app):
    app.connect("source-read", _note_glue_sources)
    app.add_post_transform(LinkGluedValues)
    app.connect("env-before-read-docs", _note_reread)
    app.connect("env-updated", _navigation_changed)
    app.connect("config-inited", _dedupe_templates_path, priority=900)
    app.connect("env-updated", _dedupe_templates_path)  # before the environment is kept for the next build
