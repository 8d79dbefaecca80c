"""The member pages' languages: English and Spanish, chosen by the switch, else the browser.

Templates write English and call ``t``; Spanish comes from SPANISH. A text
with no Spanish shows in English (tests/web/test_member_words.py checks
every text the templates use has one).
"""

from __future__ import annotations

from datetime import date
from typing import Callable

LANGUAGES = ("en", "es")
COOKIE = "toolkiosk_lang"

WEEKDAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
            "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")}
MONTHS = {"en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December"),
          "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                 "noviembre", "diciembre")}

# why a loan cannot be renewed (kiosk.ledger.rules.renewal_refusal's reasons), in the page's words
RENEWAL_REFUSALS = {
    "someone_waiting": "Someone is waiting for this tool, so it cannot be renewed. Please bring it back by the due date.",
    "renewal_limit": "This loan has been renewed {max_renewals} times already. Please bring the tool back.",
    "too_overdue": "This tool was due on {date}. Please bring it back; it cannot be renewed.",
}

SPANISH: dict[str, str] = {
    "Someone is waiting for this tool, so it cannot be renewed. Please bring it back by the due date.":
        "Alguien espera esta herramienta, así que no se puede renovar. Devuélvala antes de la fecha.",
    "This loan has been renewed {max_renewals} times already. Please bring the tool back.":
        "Este préstamo ya se renovó {max_renewals} veces. Devuelva la herramienta.",
    "This tool was due on {date}. Please bring it back; it cannot be renewed.":
        "Esta herramienta debía devolverse el {date}. Devuélvala; no se puede renovar.",
    "Member sign-in": "Acceso de socios",
    "Your e-mail address or mobile number": "Su correo electrónico o número de móvil",
    "Your e-mail address": "Su correo electrónico",
    "Library": "Biblioteca",
    "Send me a sign-in link": "Envíenme un enlace de acceso",
    "We send a link and a code to the e-mail address (or mobile number) on your member record. "
    "They work once, for 15 minutes.":
        "Enviamos un enlace y un código al correo (o móvil) de su ficha de socio. Sirven una vez, durante 15 minutos.",
    "We send a link and a code to the e-mail address on your member record. They work once, for 15 minutes.":
        "Enviamos un enlace y un código al correo de su ficha de socio. Sirven una vez, durante 15 minutos.",
    "Check your messages": "Revise sus mensajes",
    "If {address} is on a member's record, a sign-in link and code are on their way. They work once, for 15 minutes.":
        "Si {address} figura en la ficha de un socio, le llegará un enlace y un código de acceso. Sirven una vez, "
        "durante 15 minutos.",
    "Or type the code from the message": "O escriba el código del mensaje",
    "Code": "Código",
    "Where the code was sent": "Adonde se envió el código",
    "Other language": "Otro idioma",
    "Sign in": "Entrar",
    "Sign out": "Salir",
    "Sign in to {library}": "Entrar en {library}",
    "This sign-in link has been used or has expired. Ask for a new one.":
        "Este enlace ya se usó o ha caducado. Pida uno nuevo.",
    "That code is wrong, used or expired. Check it, or ask for a new one.":
        "Ese código es incorrecto, ya se usó o ha caducado. Revíselo o pida uno nuevo.",
    "Too many requests from here. Try again in {minutes} minutes.":
        "Demasiadas solicitudes desde aquí. Vuelva a intentarlo en {minutes} minutos.",
    "Enter an e-mail address or a mobile number.": "Escriba un correo electrónico o un número de móvil.",
    "Your sign-in link for {library}": "Su enlace de acceso a {library}",
    "Hello,\n\nUse this link to sign in to {library} (it works once, for 15 minutes):\n{link}\n\nOr type this code: {code}\n\n"
    "If you did not ask for it, ignore this message.\n":
        "Hola:\n\nUse este enlace para entrar en {library} (sirve una vez, durante 15 minutos):\n{link}\n\n"
        "O escriba este código: {code}\n\nSi no lo pidió, ignore este mensaje.\n",
    "{library}: your sign-in code is {code} (15 minutes). {link}":
        "{library}: su código de acceso es {code} (15 minutos). {link}",
    "Choose a library": "Elija una biblioteca",
    "Something went wrong": "Algo salió mal",
    "Go back": "Volver",
    "This form has expired or did not come from this site. Go back, reload the page and try again.":
        "Este formulario ha caducado o no vino de este sitio. Vuelva atrás, recargue la página e inténtelo de nuevo.",
    "There is no such library here.": "Aquí no hay ninguna biblioteca con ese nombre.",
    # the member page
    "Hello, {name}": "Hola, {name}",
    "Tools you have": "Herramientas que tiene",
    "You have no tools out.": "No tiene herramientas prestadas.",
    "Due {date}": "Devolver el {date}",
    "Overdue since {date}": "Con retraso desde el {date}",
    "Renew": "Renovar",
    "Renewed: now due {date}.": "Renovado: ahora se devuelve el {date}.",
    "Your holds": "Sus reservas",
    "You are not waiting for any tool.": "No está esperando ninguna herramienta.",
    "Number {position} in line": "Número {position} en la lista",
    "Ready for you until {date}": "Apartada para usted hasta el {date}",
    "Cancel": "Cancelar",
    "Hold cancelled.": "Reserva cancelada.",
    "You are on the waiting list.": "Está en la lista de espera.",
    "Your history": "Su historial",
    "Loans you returned, as far back as the library keeps them ({days} days).":
        "Préstamos que devolvió, hasta donde la biblioteca los guarda ({days} días).",
    "Nothing here.": "Nada por aquí.",
    "Borrowed {start}, returned {end}": "Prestado el {start}, devuelto el {end}",
    "Forget my history now": "Olvidar mi historial ahora",
    "Your history is forgotten.": "Su historial se ha olvidado.",
    "Returned loans and ended holds will no longer be linked to you, here or at the kiosks.":
        "Los préstamos devueltos y las reservas terminadas dejarán de estar ligados a usted, aquí y en los quioscos.",
    "Preferences": "Preferencias",
    "Language": "Idioma",
    "Reminders by e-mail": "Recordatorios por correo",
    "Reminders by SMS": "Recordatorios por SMS",
    "Save": "Guardar",
    "Preferences saved.": "Preferencias guardadas.",
    "Membership card": "Carné de socio",
    "Show this at the kiosk: hold the phone up to the camera.": "Muéstrelo en el quiosco: acerque el móvil a la cámara.",
    "Card barcode {code}": "Código de barras del carné {code}",
    "Membership": "Membresía",
    "Your membership runs until {date}.": "Su membresía vence el {date}.",
    "Renew my membership": "Renovar mi membresía",
    "Membership renewed until {date}.": "Membresía renovada hasta el {date}.",
    "Your membership can be renewed online from {date}.": "Podrá renovar su membresía en línea a partir del {date}.",
    "Your sign-up is waiting for a volunteer to check it at your first visit.":
        "Su inscripción espera que un voluntario la revise en su primera visita.",
    "This membership cannot be renewed online. Please ask at the counter.":
        "Esta membresía no se puede renovar en línea. Pregunte en el mostrador.",
    "Put me on the waiting list": "Apuntarme en la lista de espera",
    "This tool is not in your library's catalog.": "Esta herramienta no está en el catálogo de su biblioteca.",
    "Any copy of it will do": "Me sirve cualquier ejemplar",
    "The first copy to come back goes to the first in line.":
        "El primer ejemplar que vuelva es para el primero de la lista.",
    "No hold was placed: {reasons}": "No se hizo la reserva: {reasons}",
    "This loan cannot be renewed: {reason}": "Este préstamo no se puede renovar: {reason}",
    "There is no such loan or hold on your record.": "No hay tal préstamo o reserva en su ficha.",
    "Give the tool's code.": "Indique el código de la herramienta.",
    "English": "English",
    "Español": "Español",
    "on": "sí",
    "off": "no",
    # sign-up
    "Become a member": "Hágase socio",
    "Sign up": "Inscribirme",
    "Full name": "Nombre completo",
    "Mobile number (optional)": "Número de móvil (opcional)",
    "Waiver": "Exención de responsabilidad",
    "I accept the waiver above": "Acepto la exención de arriba",
    "Leave this empty": "Deje esto vacío",
    "Thank you for signing up": "Gracias por inscribirse",
    "Your card number is {code}. A volunteer will check your ID and give you your card at your first visit.":
        "Su número de carné es {code}. En su primera visita, un voluntario comprobará su identidad y le dará el carné.",
    "Your card number is {code}. You can borrow tools now; sign in to see your card.":
        "Su número de carné es {code}. Ya puede tomar herramientas prestadas; entre para ver su carné.",
    "Please give your name (up to {most} characters).": "Escriba su nombre (hasta {most} caracteres).",
    "Please give an e-mail address like name@example.org.": "Escriba un correo como nombre@ejemplo.org.",
    "That mobile number does not look right; use digits, spaces and an optional +.":
        "Ese número de móvil no parece correcto; use cifras, espacios y un + opcional.",
    "Please choose English or Spanish.": "Elija inglés o español.",
    "Please accept the waiver to sign up.": "Acepte la exención para inscribirse.",
    "That was quicker than a person fills in a form. Please wait a few seconds and send it again.":
        "Fue más rápido de lo que una persona rellena un formulario. Espere unos segundos y envíelo de nuevo.",
    "This form is too old. Please fill it in again.": "Este formulario es demasiado antiguo. Rellénelo de nuevo.",
    "This library does not take sign-ups online. Please come to the counter.":
        "Esta biblioteca no acepta inscripciones en línea. Venga al mostrador.",
    "Too many sign-ups from here. Try again later.": "Demasiadas inscripciones desde aquí. Inténtelo más tarde.",
    "Please correct the fields marked below.": "Corrija los campos señalados abajo.",
}


def translator(lang: str) -> Callable[..., str]:
    def t(text: str, **values: object) -> str:
        chosen = SPANISH.get(text, text) if lang == "es" else text
        return chosen.format(**values) if values else chosen
    return t


def long_date(value: date | str | None, lang: str) -> str:
    """'Tuesday 9 December 2026' / 'martes 9 de diciembre de 2026': the weekday always included."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    weekday, month = WEEKDAYS[lang][day.weekday()], MONTHS[lang][day.month - 1]
    if lang == "es":
        return f"{weekday} {day.day} de {month} de {day.year}"
    return f"{weekday} {day.day} {month} {day.year}"


def from_accept_language(header: str | None) -> str:
    """The first of our languages the browser asks for, by its weights; English otherwise."""
    best, best_q = "en", -1.0
    for part in (header or "").split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        lang = tag.strip().lower()[:2]
        if lang in LANGUAGES and q > best_q:
            best, best_q = lang, q
    return best
