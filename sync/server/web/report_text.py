"""The impact report page's words in English and Spanish: the report is handed to funders and
city offices in either language, whatever the coordinator's own."""

from __future__ import annotations

from kiosk.ledger import impact

LANGUAGES = ("en", "es")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
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
    },
    "es": {
        "title": "Informe de impacto", "network_title": "Informe de impacto de la red de bibliotecas",
        "period": "Del {start} al {end}", "loans": "Préstamos", "borrowers": "Personas que tomaron prestado",
        "new_members": "Socios nuevos", "returning_members": "Socios que repiten",
        "value_lent": "Valor de las herramientas prestadas",
        "value_note": "lo que los socios ahorraron al no comprarlas; {count} préstamos no tenían valor registrado",
        "repairs_closed": "Reparaciones hechas", "repair_cost": "gastado en reparaciones",
        "tools_added": "Herramientas nuevas",
        "by_category": "Préstamos por categoría", "by_area": "Personas por barrio o código postal",
        "category": "Categoría", "area": "Zona", "count_loans": "Préstamos", "count_borrowers": "Personas",
        "privacy": "Solo cifras: no se nombra a nadie. Los grupos de menos de 5 personas se juntan en "
                   "\u201cmenos de 5\u201d; los totales son exactos.",
        "fewer than 5": "menos de 5", "not given": "sin indicar", "uncategorised": "sin categoría",
        "none": "No hubo préstamos en este periodo.", "libraries": "Bibliotecas: {names}",
        "show": "Mostrar", "from": "Desde", "to": "Hasta", "language": "Idioma", "scope": "Informe de",
        "scope_library": "esta biblioteca", "scope_network": "la red de bibliotecas (solo cifras)",
        "print": "Imprímelo desde el navegador: cabe en una página.",
        "not_sharing": "El informe de la red suma las bibliotecas que aceptaron compartir sus cifras. "
                       "Esta biblioteca aún no comparte las suyas.",
        "sharing_on": "Esta biblioteca comparte sus cifras (solo cifras) con las bibliotecas asociadas que comparten las suyas.",
        "share": "Compartir nuestras cifras", "stop_sharing": "Dejar de compartir nuestras cifras",
    },
}
# group names the counting gives in English, said in the page's language
GROUP_NAMES = (impact.MERGED, impact.NO_AREA, impact.NO_CATEGORY)


def words(language: str) -> dict[str, str]:
    return TEXTS.get(language, TEXTS["en"])


def group_name(name: str, language: str) -> str:
    return words(language)[name] if name in GROUP_NAMES else name
