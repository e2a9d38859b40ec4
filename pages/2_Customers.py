"""Customers: find customers, edit them, and see one customer's whole story.

For the marketer who keeps the register: search and filter, correct records in a table and
save them (every change is checked again and kept in the workspace journal, under the
customer's id), add and delete customers; open a customer's profile to see their purchases,
feedback and actions, and log a contact or a piece of feedback on the spot.
"""

import streamlit as st

from lib.frames import among, memo_of
from lib.schema import KEY_COL
from lib.ui import analysis_page, t
from lib.ui.contact_records import contact_records
from lib.ui.customer_editor import bulk_editor, customer_grid, show_refusals, viewer_table
from lib.ui.customer_profile import consent_section, customer_story, forget_section, log_forms, profile_summary
from lib.ui.customers import customer_filters, profile_picker
from lib.workspace.edits import editable_fields, find_customers

EDIT_ROWS = 200  # at most this many customers go to the browser for editing; the filter reaches others

page, settings, as_of, view = analysis_page("customers.title")
register = page.current.register
st.caption(t("customers.intro"))
show_refusals()

query = st.text_input(t("customers.search"), placeholder=t("customers.search_hint"), key="customers_query")
selected = customer_filters(view, "customers", page.can("see_personal"))
customers = register.memo("by_key", lambda: register.customers.set_index(KEY_COL, drop=False))  # do not modify
viewer_salt = None if page.can("see_personal") else page.workspace.salt()  # a viewer searches pseudonyms only
chosen = selected["customer_id"]  # the customers known on the day, or those a filter chose among them
known = memo_of(selected, "customers_chosen", lambda: among(customers["customer_id"], chosen))
wanted = find_customers(customers, query, viewer_salt) & known
found = customers if wanted.all() else customers[wanted]
fields = editable_fields(register)
shown = found[fields].head(EDIT_ROWS)
st.caption(t("customers.shown", shown=len(shown), total=len(found), limit=EDIT_ROWS))

if not page.can("see_personal"):
    viewer_table(page, view, shown)
    st.stop()

customer_grid(page, shown, fields)
bulk_editor(page, found, fields)

st.divider()
st.subheader(t("customers.profile"))
chosen = profile_picker(customers, found, viewer_salt)
if chosen is None:
    st.stop()
on_the_day = view[view["customer_id"] == chosen]
facts = on_the_day.iloc[0] if len(on_the_day) else None
profile_summary(customers.loc[chosen], facts, settings)
consent_section(page, chosen)
customer_story(register, chosen, settings.currency)
if page.can("edit"):
    contact_records(page, chosen)
log_forms(page, chosen)
forget_section(page, chosen)
