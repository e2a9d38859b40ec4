"""The only part of lib that imports streamlit: what the pages build on, re-exported in one place.

`format` writes numbers, days and texts in the session's language; `signin` asks who is there;
`loaders` keeps the register and its analyses per workspace version; `page` sets up every page and
the sidebar; `actions` runs what a button asks through the service and says when a role forbids it;
`widgets`, `customers` and the other modules hold the larger pieces of screens.
"""

from lib.ui import charts
from lib.ui.actions import people_table, personal_file, refused, save_edits
from lib.ui.format import amount, chart, date_format, day, language, localised, num, percent, plain, t, t_text
from lib.ui.loaders import Page, analysis, contact_plan, feedback_items, kept, theme_suggestions
from lib.ui.page import SAMPLE_PATH, AnalysisPage, analysis_page, as_of_input, flash, setup_page

__all__ = [
    "SAMPLE_PATH",
    "AnalysisPage",
    "Page",
    "amount",
    "analysis",
    "analysis_page",
    "as_of_input",
    "chart",
    "charts",
    "contact_plan",
    "date_format",
    "day",
    "feedback_items",
    "flash",
    "kept",
    "language",
    "localised",
    "num",
    "people_table",
    "percent",
    "personal_file",
    "plain",
    "refused",
    "save_edits",
    "setup_page",
    "t",
    "t_text",
    "theme_suggestions",
]
