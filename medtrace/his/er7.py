"""HL7 version 2 messages in their pipe-and-hat encoding (ER7), read and written.

Reading takes what HIS interfaces send: ``\\r`` (the standard), ``\\n`` or ``\\r\\n``
between segments, MLLP framing (``0x0b`` … ``0x1c 0x0d``), a UTF-8 byte-order
mark, batch files (``FHS``/``BHS`` … ``BTS``/``FTS``) or several messages one after
the other, the separators each message declares in ``MSH-1``/``MSH-2``, escape
sequences (``\\F\\ \\S\\ \\T\\ \\R\\ \\E\\ \\Xhh\\ \\.br\\``) and the character set of
``MSH-18`` (UTF-8, GB 18030, Latin-1, ASCII); without ``MSH-18`` a file that is not
UTF-8 is read as GB 18030, as Chinese HIS exports are.

Fields are numbered as the standard numbers them: ``segment.get(3, 1)`` is
``PID-3.1``; in ``MSH``, field 1 is the field separator itself.
"""

import re

from .errors import HisError

#: files larger than this are refused before reading (a HIS message is kilobytes)
MAX_BYTES = 20 * 1024 * 1024

_CHARSETS = {
    "": None,
    "ASCII": "ascii",
    "UNICODE UTF-8": "utf-8",
    "UTF-8": "utf-8",
    "UNICODE": "utf-8",
    "8859/1": "latin-1",
    "8859/15": "iso8859-15",
    "GB 18030-2000": "gb18030",
    "GB18030": "gb18030",
    "GBK": "gb18030",
    "GB 2312": "gb18030",
    "CNS 11643-1992": "big5",
    "BIG-5": "big5",
}
_SEGMENT_NAME = re.compile(r"^[A-Z][A-Z0-9]{2}$")
_LINES = re.compile(r"\r\n|\r|\n")
_ENVELOPE = {"FHS", "BHS", "BTS", "FTS"}


class Separators:
    """The five delimiters a message declares (``|^~\\&`` by default)."""

    __slots__ = ("field", "component", "repetition", "escape", "subcomponent")

    def __init__(self, field="|", component="^", repetition="~", escape="\\", subcomponent="&"):
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent

    @property
    def encoding_characters(self):
        return self.component + self.repetition + self.escape + self.subcomponent

    def escape_text(self, text):
        """``text`` with every delimiter written as its escape sequence."""
        e = self.escape
        out = []
        for char in str(text).replace("\r\n", "\n"):
            if char == e:
                out.append(f"{e}E{e}")
            elif char == self.field:
                out.append(f"{e}F{e}")
            elif char == self.component:
                out.append(f"{e}S{e}")
            elif char == self.subcomponent:
                out.append(f"{e}T{e}")
            elif char == self.repetition:
                out.append(f"{e}R{e}")
            elif char in "\r\n":
                out.append(f"{e}.br{e}")
            else:
                out.append(char)
        return "".join(out)

    def unescape_text(self, text):
        e = self.escape
        if not e or e not in text:
            return text
        out = []
        i = 0
        while i < len(text):
            char = text[i]
            end = text.find(e, i + 1) if char == e else -1
            if end < 0:
                out.append(char)
                i += 1
                continue
            code = text[i + 1 : end]
            i = end + 1
            if code == "F":
                out.append(self.field)
            elif code == "S":
                out.append(self.component)
            elif code == "T":
                out.append(self.subcomponent)
            elif code == "R":
                out.append(self.repetition)
            elif code == "E":
                out.append(e)
            elif code == ".br":
                out.append("\n")
            elif code[:1] == "X" and re.fullmatch(r"X(?:[0-9A-Fa-f]{2})+", code):
                out.append(bytes.fromhex(code[1:]).decode("latin-1"))
            elif code[:1] in ("H", "N", "."):
                pass  # highlighting and formatting commands carry no text
            else:
                out.append(f"{e}{code}{e}")
        return "".join(out)


class Segment:
    """One segment: its name and its fields as sent (unescaped on reading)."""

    __slots__ = ("name", "fields", "separators", "position")

    def __init__(self, name, fields, separators, position=0):
        self.name = name
        #: fields[n] is field n as written (fields[0] is the name)
        self.fields = fields
        self.separators = separators
        self.position = position

    def raw(self, field):
        return self.fields[field] if 0 < field < len(self.fields) else ""

    def repetitions(self, field):
        raw = self.raw(field)
        if self.name == "MSH" and field in (1, 2):
            return [raw]
        return raw.split(self.separators.repetition) if raw else []

    def get(self, field, component=1, subcomponent=1, repetition=1):
        """``field.component.subcomponent`` of a repetition, unescaped ("" when absent)."""
        reps = self.repetitions(field)
        if len(reps) < repetition:
            return ""
        value = reps[repetition - 1]
        if self.name == "MSH" and field in (1, 2):
            return value
        comps = value.split(self.separators.component)
        if len(comps) < component:
            return ""
        subs = comps[component - 1].split(self.separators.subcomponent)
        if len(subs) < subcomponent:
            return ""
        return self.separators.unescape_text(subs[subcomponent - 1])

    def components(self, field, repetition=1):
        reps = self.repetitions(field)
        if len(reps) < repetition:
            return []
        return [
            self.separators.unescape_text(c.split(self.separators.subcomponent)[0])
            for c in reps[repetition - 1].split(self.separators.component)
        ]

    def __repr__(self):
        return f"<Segment {self.name} #{self.position}>"


class Message:
    """The segments of one message, from its ``MSH`` to the next."""

    def __init__(self, segments, separators):
        self.segments = segments
        self.separators = separators

    @property
    def msh(self):
        return self.segments[0]

    @property
    def type(self):
        """``"DFT^P03"`` (code and trigger event of ``MSH-9``)."""
        code, event = self.msh.get(9, 1), self.msh.get(9, 2)
        return f"{code}^{event}" if event else code

    @property
    def control_id(self):
        return self.msh.get(10)

    @property
    def version(self):
        return self.msh.get(12)

    def all(self, name):
        return [s for s in self.segments if s.name == name]

    def first(self, name):
        for segment in self.segments:
            if segment.name == name:
                return segment
        return None

    def require(self, name):
        segment = self.first(name)
        if segment is None:
            raise HisError("hl7_missing_segment", message=self.type, segment=name)
        return segment


def _decode(data):
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if len(data) > MAX_BYTES:
        raise HisError("hl7_too_large", size=len(data), maximum=MAX_BYTES)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:4096].decode("latin-1")
    declared = ""
    first = _LINES.split(head.lstrip("\x0b"), 1)[0]
    if first.startswith(("MSH", "FHS", "BHS")) and len(first) > 3:
        fields = first.split(first[3])
        if len(fields) > 17:
            declared = fields[17].split(first[4:5] or "^")[0].strip() if len(first) > 4 else ""
    charset = _CHARSETS.get(declared.upper(), "utf-8" if declared else None)
    if charset is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            charset = "gb18030"
    try:
        return data.decode(charset)
    except UnicodeDecodeError as error:
        raise HisError("hl7_encoding", charset=charset, declared=declared) from error


def _segments(text):
    text = text.replace("\x0b", "").replace("\x1c", "")
    for position, line in enumerate(_LINES.split(text), start=1):
        line = line.strip("\x00")
        if line.strip():
            yield position, line.rstrip(" \t") if not line.startswith("MSH") else line


def parse_messages(data):
    """Every message of ``data`` (bytes or text), in order, as :class:`Message`."""
    text = _decode(data)
    messages, current, separators = [], None, None
    for position, line in _segments(text):
        name = line[:3]
        if name == "MSH":
            if len(line) < 8:
                raise HisError("hl7_separators", value=line[:20])
            chars = line[4:8]
            separators = Separators(line[3], *chars)
            fields = line.split(separators.field)
            # MSH-1 is the separator itself: shift so that fields[n] is MSH-n
            fields = ["MSH", separators.field, *fields[1:]]
            current = Message([Segment("MSH", fields, separators, position)], separators)
            messages.append(current)
            continue
        if name in _ENVELOPE:
            continue
        if current is None:
            raise HisError("hl7_no_msh", found=line[:20])
        if not _SEGMENT_NAME.match(name) or (len(line) > 3 and line[3] != separators.field):
            raise HisError("hl7_segment", position=position, value=line[:20])
        fields = line.split(separators.field)
        current.segments.append(Segment(name, fields, separators, position))
    if not messages:
        if text.strip():
            raise HisError("hl7_no_msh", found=text.strip()[:20])
        raise HisError("hl7_empty")
    return messages


def parse_message(data):
    """The first (usually the only) message of ``data``."""
    return parse_messages(data)[0]


class Rep(list):
    """Repetitions of one field when writing (``Rep(["a", "b"])`` → ``a~b``)."""


def _value(value, separators, level=0):
    if value is None or value is False:
        return ""
    if isinstance(value, Rep):
        return separators.repetition.join(_value(v, separators, level) for v in value)
    if isinstance(value, (list, tuple)):
        joiner = separators.component if level == 0 else separators.subcomponent
        parts = [_value(v, separators, level + 1) for v in value]
        while parts and parts[-1] == "":
            parts.pop()
        return joiner.join(parts)
    return separators.escape_text(value)


def segment(name, *fields, separators=None):
    """One segment as text: ``segment("PID", "1", "", ("MRN1", "", "", "HOSP", "MR"))``.

    A field is text (escaped), a tuple of components (a component may be a tuple of
    subcomponents) or a :class:`Rep` of repetitions; trailing empty fields are left out.
    """
    separators = separators or Separators()
    values = [_value(f, separators) for f in fields]
    if name == "MSH":
        # fields[0] is MSH-2 (the encoding characters), written as is
        values[0] = separators.encoding_characters
    while values and values[-1] == "":
        values.pop()
    if name == "MSH":
        return "MSH" + separators.field + separators.field.join(values)
    return separators.field.join([name, *values])


def message(segments):
    """Segments joined with the standard ``\\r`` terminator."""
    return "\r".join(segments) + "\r"
