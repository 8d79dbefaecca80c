"""The kiosk's building blocks; their look is in widgets.kv."""

from __future__ import annotations

from typing import Any, Callable

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.factory import Factory
from kivy.properties import BooleanProperty, ColorProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.textinput import TextInput
from kivy.uix.widget import Widget

from kiosk.ui import theme


class KLabel(Label):
    pass


class Title(KLabel):
    pass


class Headline(KLabel):
    pass


class KButton(Button):
    selected = BooleanProperty(False)


class KTextInput(TextInput):
    pass


class KTextArea(TextInput):
    """Several lines of text (a waiver); grows with what is typed."""


class Field(BoxLayout):
    """A caption over a text input; ``text`` follows what is typed."""

    label = StringProperty("")
    text = StringProperty("")
    hint = StringProperty("")
    input_filter = ObjectProperty(None, allownone=True)


class Collapsible(BoxLayout):
    """A part of a screen shown or hidden by ``shown``; hidden, it takes no touches
    (a disabled widget would swallow them, even when it cannot be seen)."""

    shown = BooleanProperty(True)

    def on_touch_down(self, touch: Any) -> bool:
        return super().on_touch_down(touch) if self.shown else False

    def on_touch_move(self, touch: Any) -> bool:
        return super().on_touch_move(touch) if self.shown else False

    def on_touch_up(self, touch: Any) -> bool:
        return super().on_touch_up(touch) if self.shown else False


class Panel(BoxLayout):
    pass


class Page(BoxLayout):
    pass


class TopBar(BoxLayout):
    """A screen's title, and its Back (``back``), Need help? (``help``) and Home buttons."""

    title = StringProperty("")
    back = BooleanProperty(False)
    help = BooleanProperty(False)

    def __init__(self, **kwargs: Any):
        self.register_event_type("on_back")
        super().__init__(**kwargs)

    def on_back(self, *_: Any) -> None:
        pass


class Photo(Image):
    pass


class Mark(Widget):
    """A tick ("yes": going out, here) or a cross ("no": refused, missing), drawn rather than
    typed (the kiosk's font has no such signs), so a meaning never rests on colour alone."""

    kind = OptionProperty("", options=["", "yes", "no"])


class ToolRow(BoxLayout):
    """One tool in a list: photo, name, a line that turns red when ``alert``, the copy it is
    (``subtitle``), a tick or cross (``mark``), and an optional button."""

    title = StringProperty("")
    detail = StringProperty("")
    subtitle = StringProperty("")
    mark = StringProperty("")
    photo = StringProperty("")
    alert = BooleanProperty(False)
    code = StringProperty("")
    action = StringProperty("")  # the button's text; no button when empty
    with_photo = BooleanProperty(True)

    def __init__(self, **kwargs: Any):
        self.register_event_type("on_action_press")
        super().__init__(**kwargs)

    def on_action_press(self, *_: Any) -> None:
        pass


class Dialog(ModalView):
    """A question or a notice over the screen; each answer is a button that closes it and acts.

        Dialog(_("Still there?"), message, [(_("I'm still here"), "ok", None)]).show()

    A style is "ok" (the main answer), "primary" or "quiet".
    """

    title = StringProperty("")
    message = StringProperty("")

    def __init__(self, title: str, message: str, answers: list[tuple[str, str, Callable[[], Any] | None]],
                 **kwargs: Any):
        super().__init__(title=title, message=message, **kwargs)
        box = self.ids.answers
        for label, style, action in answers:
            button = Factory.get({"ok": "OkButton", "primary": "KButton", "quiet": "QuietButton"}[style])(text=label)
            button.bind(on_release=lambda _b, act=action: self.answer(act))
            box.add_widget(button)

    def show(self) -> "Dialog":
        self.open(animation=False)
        return self

    def answer(self, action: Callable[[], Any] | None) -> None:
        self.dismiss(animation=False)
        if action is not None:
            action()


class Flash(Widget):
    """A coloured frame around the screen that fades: green for accepted, red for refused."""

    rgba = ColorProperty((0, 0, 0, 0))

    def show(self, ok: bool) -> None:
        Animation.cancel_all(self)
        self.rgba = theme.FLASH_OK if ok else theme.FLASH_BAD
        Animation(rgba=(*self.rgba[:3], 0), duration=0.8, t="in_quad").start(self)


class Toast(Label):
    """A short message in a banner above the screen that goes away by itself; hidden, it takes no room."""

    background = ColorProperty(theme.PRIMARY)

    def show(self, text: str, ok: bool = True, seconds: float = 4.0) -> None:
        self.text = text
        self.background = theme.OK if ok else theme.BAD
        Clock.unschedule(self.hide)
        Clock.schedule_once(self.hide, seconds)

    def hide(self, *_: Any) -> None:
        self.text = ""


class CameraPreview(Image):
    """Shows the scan worker's newest frame; draws only when a new frame has come.

    ``frames`` is a callable returning ``(serial, gray_or_bgr_array)`` or None.
    The preview looks at it every frame while it is on screen (a cheap check of
    the serial): polling at the camera's own rate would miss frames between ticks.
    """

    message = StringProperty("")
    frames: Callable[[], Any] | None = None

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._serial = None
        self._event = None
        self.drawn = 0  # frames shown since start, read by the benchmark

    def start(self, frames: Callable[[], Any] | None) -> None:
        self.frames = frames
        if self._event is None:
            self._event = Clock.schedule_interval(self._poll, 0)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _poll(self, _dt: float) -> None:
        latest = self.frames() if self.frames else None
        if latest is None or latest[0] == self._serial:
            return
        self._serial, frame = latest
        height, width = frame.shape[:2]
        colorfmt = "luminance" if frame.ndim == 2 else "bgr"
        texture = self.texture
        if texture is None or texture.size != (width, height) or texture.colorfmt != colorfmt:
            texture = Texture.create(size=(width, height), colorfmt=colorfmt)
            texture.flip_vertical()
        texture.blit_buffer(frame.tobytes(), colorfmt=colorfmt, bufferfmt="ubyte")
        self.texture = texture
        self.canvas.ask_update()
        self.drawn += 1
