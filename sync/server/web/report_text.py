"""The impact report page's words in English and Spanish: the report is handed to funders and
city offices in either language, whatever the coordinator's own. Spanish comes from the web pages'
gettext catalog (assets/locale/es/LC_MESSAGES/web.po)."""

from __future__ import annotations

from kiosk.ledger import impact
from sync.server.web.public import i18n

LANGUAGES = tuple(i18n.LANGUAGES)

ENGLISH: dict[str, str] = {
    "title": "Impact report", "network_title": "Impact report of the partner network",
    "period": "From {start} to {end}", "loans": "Loans", "borrowers": "People who borrowed",
    "new_members": "New members", "returning_members": "Returning members",
    "value_lent": "Value of the tools lent", "value_note": "what members saved by not buying; {count} loans had no value recorded",
    "repairs_closed": "Repairs done", "repair_cost": "spent on repairs", "tools_added": "Tools added",
    "by_category": "Loans by category", "by_area": "Borrowers by neighbourhood or postal area",
    "category": "Category", "area": "Area", "count_loans": "Loans", "count_borrowers": "Borrowers",
    "privacy": "Counts only: no borrower is named. A group of fewer than 5 people is merged into "
               "\u201cfewer than 5\u201d; the totals are exact.",
    "fewer than 5": "fewer than 5", "not given": "not given", "uncategorised": "uncategorised",
    "none": "No loans in this period.", "libraries": "Libraries: {names}",
    "show": "Show", "from": "From", "to": "To", "language": "Language", "scope": "Report for",
    "scope_library": "this library", "scope_network": "the partner network (counts only)",
    "print": "Print it from the browser: it fits one page.",
    "not_sharing": "The partner network's report adds up the libraries that agreed to share their figures. "
                   "This library does not share its figures yet.",
    "sharing_on": "This library shares its figures (counts only) with partner libraries that share theirs.",
    "share": "Share our figures with partners", "stop_sharing": "Stop sharing our figures",
}
# group names the counting gives in English, said in the page's language
GROUP_NAMES = (impact.MERGED, impact.NO_AREA, impact.NO_CATEGORY)


def words(language: str) -> dict[str, str]:
    translate = i18n.translator(language)
    return {key: translate(text) for key, text in ENGLISH.items()}


def group_name(name: str, language: str) -> str:
    return i18n.translator(language)(name) if name in GROUP_NAMES else name
