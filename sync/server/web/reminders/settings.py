"""Each library's reminder settings: on or off, schedule, reply-to address and templates.

Templates are Jinja2 text rendered in a sandbox with a budget of work, time
and size (``bounded``), because coordinators write them and every library
shares the server. A change is checked by rendering every template against a
sample before anything is stored.
"""

from __future__ import annotations

import json
from typing import Any

from jinja2 import TemplateError

from kiosk.ledger import limits
from sync.server.web.db import WebDB
from sync.server.web.reminders import bounded

BASE_FIELDS = ("due_soon_subject", "due_soon_body", "overdue_subject", "overdue_body", "sms_due_soon", "sms_overdue")
TRANSLATED = ("es",)  # languages members may speak that have texts of their own; the base texts are English
TEMPLATE_FIELDS = BASE_FIELDS + tuple(f"{language}_{name}" for language in TRANSLATED for name in BASE_FIELDS)
LABELS = {"due_soon_subject": "Due soon: email subject", "due_soon_body": "Due soon: email text",
          "overdue_subject": "Overdue: email subject", "overdue_body": "Overdue: email text",
          "sms_due_soon": "Due soon: SMS", "sms_overdue": "Overdue: SMS"}
LABELS |= {f"es_{name}": f"In Spanish: {label[0].lower()}{label[1:]}" for name, label in LABELS.items()}
NUMBER_FIELDS = {"send_hour": (0, 23), "due_soon_days": (1, 14), "overdue_every_days": (1, 30)}
MAX_TEMPLATE = 4000
SMS_LIMIT = 480  # three SMS segments at most

DEFAULTS: dict[str, Any] = {
    "enabled": False,
    "send_hour": 9,
    "due_soon_days": 2,
    "overdue_every_days": 3,
    "reply_to": "",
    "due_soon_subject": "{{ library }}: {{ due_soon|length }} tool{{ 's' if due_soon|length != 1 }} due back soon",
    "due_soon_body": (
        "Hello {{ first_name }},\n\n"
        "A friendly reminder from {{ library }}: these tools are due back soon.\n\n"
        "{% for loan in due_soon %}- {{ loan.tool_name }} ({{ loan.tool_code }}), due {{ loan.due }}\n{% endfor %}"
        "{% if overdue %}\nAnd these are already overdue:\n"
        "{% for loan in overdue %}- {{ loan.tool_name }} ({{ loan.tool_code }}), due {{ loan.due }}\n{% endfor %}{% endif %}"
        "\nYou can renew at the kiosk if nobody is waiting for them.\n\nThank you,\n{{ library }}\n"),
    "overdue_subject": "{{ library }}: {{ overdue|length }} tool{{ 's' if overdue|length != 1 }} overdue",
    "overdue_body": (
        "Hello {{ first_name }},\n\n"
        "These tools from {{ library }} are overdue. Other members are waiting for them:\n\n"
        "{% for loan in overdue %}- {{ loan.tool_name }} ({{ loan.tool_code }}), due {{ loan.due }}, "
        "{{ loan.days_overdue }} day{{ 's' if loan.days_overdue != 1 }} ago\n{% endfor %}"
        "{% if due_soon %}\nDue soon:\n"
        "{% for loan in due_soon %}- {{ loan.tool_name }} ({{ loan.tool_code }}), due {{ loan.due }}\n{% endfor %}{% endif %}"
        "\nPlease bring them back during opening hours. Reply to this message if something went wrong.\n\n"
        "Thank you,\n{{ library }}\n"),
    "sms_due_soon": "{{ library }}: {{ due_soon|map(attribute='tool_name')|join(', ') }} due back {{ due_soon[0].due }}.",
    "sms_overdue": "{{ library }}: {{ overdue|map(attribute='tool_name')|join(', ') }} overdue. Please bring back soon.",
    "es_due_soon_subject": "{{ library }}: {{ due_soon|length }} herramienta{{ 's' if due_soon|length != 1 }} "
                           "por devolver pronto",
    "es_due_soon_body": (
        "Hola, {{ first_name }}:\n\n"
        "Un recordatorio de {{ library }}: estas herramientas hay que devolverlas pronto.\n\n"
        "{% for loan in due_soon %}- {{ loan.tool_name }} ({{ loan.tool_code }}), a más tardar el {{ loan.due }}\n"
        "{% endfor %}"
        "{% if overdue %}\nY estas ya tienen retraso:\n"
        "{% for loan in overdue %}- {{ loan.tool_name }} ({{ loan.tool_code }}), vencía el {{ loan.due }}\n"
        "{% endfor %}{% endif %}"
        "\nPuedes renovarlas en el quiosco si nadie las espera.\n\nGracias,\n{{ library }}\n"),
    "es_overdue_subject": "{{ library }}: {{ overdue|length }} herramienta{{ 's' if overdue|length != 1 }} "
                          "con retraso",
    "es_overdue_body": (
        "Hola, {{ first_name }}:\n\n"
        "Estas herramientas de {{ library }} tienen retraso. Otros socios las esperan:\n\n"
        "{% for loan in overdue %}- {{ loan.tool_name }} ({{ loan.tool_code }}), vencía el {{ loan.due }}, "
        "hace {{ loan.days_overdue }} día{{ 's' if loan.days_overdue != 1 }}\n{% endfor %}"
        "{% if due_soon %}\nPor devolver pronto:\n"
        "{% for loan in due_soon %}- {{ loan.tool_name }} ({{ loan.tool_code }}), a más tardar el {{ loan.due }}\n"
        "{% endfor %}{% endif %}"
        "\nTráelas, por favor, en el horario de apertura. Responde a este mensaje si algo salió mal.\n\n"
        "Gracias,\n{{ library }}\n"),
    "es_sms_due_soon": "{{ library }}: devuelve {{ due_soon|map(attribute='tool_name')|join(', ') }} "
                       "a más tardar el {{ due_soon[0].due }}.",
    "es_sms_overdue": "{{ library }}: {{ overdue|map(attribute='tool_name')|join(', ') }} con retraso. "
                      "Tráelas pronto, por favor.",
}

SAMPLE: dict[str, Any] = {
    "library": "Maple Street Tool Library", "member_name": "Ana Lopez", "first_name": "Ana",
    "overdue": [{"tool_name": "Cordless drill", "tool_code": "MAPLE-T0001", "due": "2026-11-10", "days_overdue": 9}],
    "due_soon": [{"tool_name": "Spade", "tool_code": "MAPLE-T0002", "due": "2026-11-21", "days_overdue": 0}],
}

_environment = bounded.BoundedEnvironment(autoescape=False, keep_trailing_newline=True)
_EMAIL = limits.EMAIL  # the one address rule members and the kiosk use too


class SettingsError(ValueError):
    """A refused change, with a message for the coordinator."""


def field_in(name: str, language: str | None) -> str:
    """The template field for a member speaking ``language``: its translation when there is one."""
    return f"{language}_{name}" if language in TRANSLATED else name


def _base(name: str) -> str:
    """A template field without its language: es_sms_overdue is an SMS text like sms_overdue."""
    head, _, rest = name.partition("_")
    return rest if head in TRANSLATED else name


def load(db: WebDB, library: str) -> dict[str, Any]:
    row = db.one("SELECT settings FROM reminder_settings WHERE library = ?", (library,))
    stored = json.loads(row["settings"]) if row else {}
    return {**DEFAULTS, **{k: v for k, v in stored.items() if k in DEFAULTS}}


def save(db: WebDB, library: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Checks every change, then stores the whole set; nothing is stored when one is wrong."""
    settings = {**load(db, library), **check(changes)}
    db.execute("INSERT OR REPLACE INTO reminder_settings (library, settings) VALUES (?, ?)",
               (library, json.dumps(settings)))
    return settings


def enabled_libraries(db: WebDB) -> list[str]:
    return [r["library"] for r in db.query("SELECT library, settings FROM reminder_settings ORDER BY library")
            if json.loads(r["settings"]).get("enabled")]


def check(changes: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in DEFAULTS:
            raise SettingsError(f"unknown reminder setting {name!r}")
        if name == "enabled":
            checked[name] = bool(value)
        elif name in NUMBER_FIELDS:
            low, high = NUMBER_FIELDS[name]
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise SettingsError(f"{name.replace('_', ' ')} must be a whole number") from None
            if not low <= number <= high:
                raise SettingsError(f"{name.replace('_', ' ')} must be between {low} and {high}")
            checked[name] = number
        elif name == "reply_to":
            text = str(value).strip()
            if text and not _EMAIL.match(text):
                raise SettingsError(f"{text!r} is not an email address")
            checked[name] = text
        else:
            checked[name] = _check_template(name, str(value))
    return checked


def _check_template(name: str, text: str) -> str:
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise SettingsError(f"the {name.replace('_', ' ')} template is empty")
    if len(text) > MAX_TEMPLATE:
        raise SettingsError(f"the {name.replace('_', ' ')} template is longer than {MAX_TEMPLATE} characters")
    try:
        rendered = render(text, SAMPLE)
    except TemplateError as exc:
        raise SettingsError(f"the {name.replace('_', ' ')} template has an error: {exc}") from None
    if _base(name).startswith("sms") and len(rendered) > SMS_LIMIT:
        raise SettingsError(f"the {name.replace('_', ' ')} text is too long for an SMS ({len(rendered)} characters)")
    if name.endswith("subject") and "\n" in rendered.strip():
        raise SettingsError("a subject must be one line")
    return text


def render(template: str, context: dict[str, Any]) -> str:
    """Raises TemplateError, including a render stopped at its bounds (``bounded.TemplateTooCostly``)."""
    return bounded.render(_environment, template, context)
