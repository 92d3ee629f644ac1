"""The EDIFACT envelope as trading partners send it: separators, interchange, groups, messages.

``decode_interchange(data)`` reads an interchange whatever its dress: a UNA service string
advice or none, a UTF-8 byte-order mark, CR/LF (or a space) around segments, newline
segment terminators without UNA, release characters, the repetition separator of syntax
version 4 (UNA position 4, ``*`` by default), syntax identifiers UNOA to UNOY,
UNG/UNE functional groups and several messages. It returns an :class:`Interchange`
whose :attr:`~Interchange.messages` each decode into our :class:`~medtrace.edi.Message`.

Control counts and references (UNT, UNE, UNZ) are checked; a mismatch is an
:class:`~medtrace.edi.EdiError` naming the segment, the count and the expected and found
values (``strict=False`` collects them in :attr:`Interchange.problems` instead, with
the UN/EDIFACT 0085 syntax error code a CONTRL needs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import EdiError, Problem, problem

#: syntax identifier (UNB S001 0001) -> Python codec of its character repertoire
SYNTAX_ENCODINGS = {
    "UNOA": "latin-1",
    "UNOB": "latin-1",
    "UNOC": "latin-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOL": "iso8859-15",
    "UNOM": "iso8859-15",
    "UNOW": "utf-8",
    "UNOX": "iso2022_jp",
    "UNOY": "utf-8",
}
DEFAULT_SEPARATORS = (":", "+", ".", "?", "'")
#: ISO 9735 version 4 repetition separator when no UNA names another one
DEFAULT_REPETITION = "*"
# UN/EDIFACT 0085 syntax error codes used in CONTRL
ERR_INVALID_VALUE, ERR_MISSING, ERR_UNSPECIFIED = "12", "13", "18"
ERR_REFERENCES, ERR_COUNT = "28", "29"
_PLACEHOLDERS = "\ue000\ue001\ue002\ue003\ue004\ue005"
_SYNTAX_RE = re.compile(rb"UNB\s*.\s*(UNO[A-Z])")
_VERSION_4_RE = re.compile(r"[ \t\r\n]*UNB\+UNO[A-Z]:4(?![0-9])")
#: a typographic apostrophe (U+2019) ending a segment, the next segment's tag after it
_TYPOGRAPHIC_END_RE = re.compile("\u2019[ \t\r\n]*[A-Z]{3}(?=[^A-Za-z0-9]|$)")


class Segment:
    """One segment: its tag, its elements (each a list of components) and its position
    in the interchange (1 = the first segment, UNA included).

    A repeated data element (syntax version 4, ``COM+a:TE*b:EM``) holds its first
    occurrence in :attr:`elements`; :meth:`repetitions` gives every occurrence.
    """

    __slots__ = ("elements", "number", "repeats", "tag")

    def __init__(self, tag: str, elements: list, number: int, repeats: dict | None = None):
        self.tag, self.elements, self.number = tag, elements, number
        #: element index -> every occurrence (lists of components), for repeated elements
        self.repeats = repeats or {}

    def repetitions(self, element: int) -> list:
        """Every occurrence of element ``element`` (each a list of components)."""
        if element in self.repeats:
            return self.repeats[element]
        return [self.elements[element]] if element < len(self.elements) else []

    def get(self, element: int, component: int = 0) -> str:
        """Component ``component`` of element ``element`` (0 = the first after the tag)."""
        elements = self.elements
        if element < len(elements):
            parts = elements[element]
            if component < len(parts):
                return parts[component]
        return ""

    def __repr__(self):
        return f"Segment({self.tag!r}, {self.elements!r}, {self.number})"


@dataclass
class EdifactMessage:
    """One UNH..UNT message of an interchange, not yet mapped to a message type."""

    reference: str  # UNH 0062
    type: str  # UNH S009 0065: ORDERS, DESADV...
    version: str  # 0052
    release: str  # 0054
    agency: str  # 0051
    association: str  # 0057: EAN008...
    position: int  # 1 = first message of the interchange
    segments: list  # UNH..UNT, Segment objects
    group: str | None = None  # UNG 0048 of its functional group
    #: envelope problems of this message (UNT count or reference), as (Problem, 0085 code)
    problems: list = field(default_factory=list)
    interchange: Interchange | None = field(default=None, repr=False)

    @property
    def document_code(self) -> str:
        bgm = next((s for s in self.segments if s.tag == "BGM"), None)
        return bgm.get(0) if bgm else ""

    @property
    def document_number(self) -> str:
        bgm = next((s for s in self.segments if s.tag == "BGM"), None)
        return bgm.get(1) if bgm else ""

    @property
    def decimal_mark(self) -> str:
        return self.interchange.separators[2] if self.interchange else "."

    def decode(self, message_type: str, profile=None, limits=None):
        """This message as our :class:`~medtrace.edi.Message` of ``message_type``."""
        from .codecs import DEFAULT_LIMITS
        from .eancom import read_message
        from .profiles import load_profile
        from .schemas import get_schema

        schema = get_schema(message_type)
        if schema.edifact is None:
            raise EdiError("format_unsupported", message_type=schema.name, format="EDIFACT")
        return read_message(self, schema, load_profile(profile), limits or DEFAULT_LIMITS)


@dataclass
class Interchange:
    """A UNB..UNZ interchange: who sent it to whom, when, and its messages."""

    syntax: str
    syntax_version: str
    sender: str
    sender_qualifier: str
    recipient: str
    recipient_qualifier: str
    date: str  # ISO date of UNB S004, "" when unreadable
    time: str  # HH:MM
    control_reference: str
    separators: tuple = DEFAULT_SEPARATORS
    repetition: str = ""  # syntax version 4 repetition separator, "" when none
    application_reference: str = ""
    test: bool = False
    messages: list = field(default_factory=list)
    groups: list = field(default_factory=list)  # (UNG 0038, 0048) per group
    problems: list = field(default_factory=list)  # envelope problems when strict=False
    has_unb: bool = True


def text_of(data: bytes) -> str:
    """Text of an interchange: BOM dropped; UTF-8, else the syntax identifier's repertoire,
    else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise EdiError("binary", position=data.index(b"\x00"), format="EDIFACT")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as first:
        match = _SYNTAX_RE.search(data[:300])
        encoding = SYNTAX_ENCODINGS.get(match.group(1).decode()) if match else None
        for candidate in (encoding, "gb18030"):
            if candidate and candidate != "utf-8":
                try:
                    return data.decode(candidate)
                except UnicodeDecodeError:
                    continue
        raise EdiError("encoding", position=first.start, value=data[first.start : first.start + 1])


def _separators(text: str):
    """(separators, start of the first segment after UNA, UNA present, repetition
    separator or "")."""
    stripped = text.lstrip(" \t\r\n\ufeff")
    offset = len(text) - len(stripped)
    if stripped.startswith("UNA"):
        chars = stripped[3:9]
        if len(chars) < 6:
            raise EdiError("edifact_syntax", reason=f"UNA is cut short: {stripped[:9]!r}")
        rest = stripped[9:]
        if chars[4] == "'" and stripped[8:].lstrip(" \r\n").startswith("UNB"):
            # "UNA:+.?'" without the reserved space: the terminator moved one place left
            chars, rest = chars[:4] + " '", stripped[8:]
        components, elements, decimal, release, repetition, terminator = chars
        if len({components, elements, release, terminator}) < 4:
            raise EdiError("edifact_syntax", reason=f"UNA repeats a separator: {chars!r}")
        # position 4 is reserved (a space) before syntax version 4, the repetition
        # separator from version 4 on
        repetition = "" if repetition == " " else repetition
        if repetition in (components, elements, release, terminator):
            raise EdiError("edifact_syntax", reason=f"UNA repeats a separator: {chars!r}")
        return (
            (components, elements, decimal, release, terminator),
            offset + len(stripped) - len(rest),
            True,
            repetition,
        )
    repetition = DEFAULT_REPETITION if _VERSION_4_RE.match(stripped) else ""
    first_line = stripped.split("\n", 1)[0]
    if "'" not in first_line and "\n" in stripped:
        return (":", "+", ".", "?", "\n"), offset, False, repetition
    return DEFAULT_SEPARATORS, offset, False, repetition


def tokenize(
    text: str, separators, start: int = 0, first_number: int = 1, repetition: str = ""
) -> list:
    """The segments of ``text[start:]`` as :class:`Segment` objects (``repetition``: the
    syntax version 4 repetition separator, "" for none)."""
    components, elements, _decimal, release, terminator = separators
    body = text[start:] if start else text
    released = release and release in body
    if released:
        if any(ch in body for ch in _PLACEHOLDERS):
            raise EdiError("edifact_syntax", reason="private-use characters U+E000-U+E005")
        # a released "*" is a "*" also where no repetition separator is in use (syntax
        # version 3): writers of version 4 release it everywhere
        specials = (release, components, elements, terminator, "\n", repetition or "*")
        for placeholder, char in zip(_PLACEHOLDERS, specials, strict=True):
            body = body.replace(release + char, placeholder)
        restore = str.maketrans(dict(zip(_PLACEHOLDERS, specials, strict=True)))
    repeated = repetition and repetition in body
    segments = []
    number = first_number
    for raw in body.split(terminator):
        raw = raw.lstrip(" \t\r\n").rstrip("\r\n")
        if not raw:
            continue
        if terminator == "'" and "\u2019" in raw:
            found = _TYPOGRAPHIC_END_RE.search(raw)
            if found:
                raise EdiError(
                    "edifact_typographic_quote",
                    position=number,
                    value=raw[: found.start() + 1][-40:],
                )
        parts = raw.split(elements)
        tag = parts[0]
        repeats = None
        if repeated and any(repetition in p for p in parts[1:]):
            repeats = {}
            elems = []
            for index, part in enumerate(parts[1:]):
                occurrences = [o.split(components) for o in part.split(repetition)]
                if released:
                    occurrences = [[c.translate(restore) for c in o] for o in occurrences]
                if len(occurrences) > 1:
                    repeats[index] = occurrences
                elems.append(occurrences[0])
        elif released:
            elems = [[c.translate(restore) for c in p.split(components)] for p in parts[1:]]
        else:
            elems = [p.split(components) for p in parts[1:]]
        if len(tag) != 3 or not tag.isalpha() or not tag.isupper():
            raise EdiError("edifact_bad_tag", position=number, value=tag[:20])
        segments.append(Segment(tag, elems, number, repeats))
        number += 1
    return segments


def _iso_date(text: str) -> str:
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if re.fullmatch(r"\d{6}", text):
        return f"20{text[:2]}-{text[2:4]}-{text[4:]}"
    return ""


def _count_problem(strict, problems, segment, what, expected, found, code=ERR_COUNT):
    item = problem(
        "edifact_control_count",
        line=segment.number,
        segment=segment.tag,
        what=what,
        expected=expected,
        found=found,
        value=found,
    )
    _report(strict, problems, item, code)


def _reference_problem(strict, problems, segment, opening, expected, found):
    item = problem(
        "edifact_control_reference",
        line=segment.number,
        segment=segment.tag,
        opening=opening,
        expected=expected,
        found=found,
        value=found,
    )
    _report(strict, problems, item, ERR_REFERENCES)


def _report(strict: bool, problems: list, item: Problem, code: str) -> None:
    if strict:
        error = EdiError(item.code, **item.params)
        error.line = item.line
        raise error
    problems.append((item, code))


def decode_interchange(data, *, strict: bool = False, max_messages: int = 10_000) -> Interchange:
    """Split an interchange's bytes (or text) into its envelope and its messages.

    Each message of :attr:`Interchange.messages` knows its UNH reference, its position and
    its functional group, and ``.decode(message_type, profile=None)`` gives our Message.
    A file without UNB (a bare UNH..UNT message) is accepted: sender and recipient are
    empty. Raises :class:`EdiError`; with ``strict=False`` wrong control counts and
    references are collected in :attr:`Interchange.problems` (pairs of a Problem and its
    0085 code) instead.
    """
    text = data if isinstance(data, str) else text_of(bytes(data))
    text = text.lstrip("\ufeff")
    separators, start, has_una, repetition = _separators(text)
    segments = tokenize(text, separators, start, 2 if has_una else 1, repetition)
    if not segments:
        raise EdiError("edifact_no_message")
    problems: list = []
    unb = segments[0] if segments[0].tag == "UNB" else None
    if unb is None and any(s.tag == "UNB" for s in segments):
        raise EdiError(
            "edifact_misplaced", segment="UNB", position=segments[0].number, value=segments[0].tag
        )
    syntax = unb.get(0) if unb else ""
    interchange = Interchange(
        syntax=syntax,
        syntax_version=unb.get(0, 1) if unb else "",
        sender=unb.get(1) if unb else "",
        sender_qualifier=unb.get(1, 1) if unb else "",
        recipient=unb.get(2) if unb else "",
        recipient_qualifier=unb.get(2, 1) if unb else "",
        date=_iso_date(unb.get(3)) if unb else "",
        time=(lambda t: f"{t[:2]}:{t[2:4]}" if len(t) == 4 else "")(unb.get(3, 1) if unb else ""),
        control_reference=unb.get(4) if unb else "",
        separators=separators,
        repetition=repetition,
        application_reference=unb.get(6) if unb else "",
        test=bool(unb and unb.get(10) == "1"),
        has_unb=unb is not None,
    )
    if unb and syntax and syntax not in SYNTAX_ENCODINGS:
        _report(
            strict,
            problems,
            problem(
                "edifact_syntax_identifier",
                line=unb.number,
                value=syntax[:10],
                expected=", ".join(SYNTAX_ENCODINGS),
            ),
            ERR_INVALID_VALUE,
        )
    index = 1 if unb else 0
    group = None
    group_segment = None
    group_count = 0
    unz_seen = False
    while index < len(segments):
        segment = segments[index]
        tag = segment.tag
        if tag == "UNH":
            end = index + 1
            while end < len(segments) and segments[end].tag not in (
                "UNT",
                "UNH",
                "UNZ",
                "UNE",
                "UNG",
            ):
                end += 1
            if end >= len(segments) or segments[end].tag != "UNT":
                raise EdiError(
                    "edifact_incomplete",
                    value=f"UNT of message "
                    f"{segment.get(0)[:14]!r} (UNH at segment {segment.number})",
                )
            unt = segments[end]
            own: list = []
            if unt.get(0) != str(end - index + 1):
                _count_problem(
                    strict, own, unt, "segments", str(end - index + 1), unt.get(0)[:10] or "nothing"
                )
            if unt.get(1) != segment.get(0):
                _reference_problem(strict, own, unt, "UNH", segment.get(0)[:14], unt.get(1)[:14])
            if len(interchange.messages) >= max_messages:
                raise EdiError("edifact_too_many_messages", maximum=max_messages)
            interchange.messages.append(
                EdifactMessage(
                    reference=segment.get(0),
                    type=segment.get(1),
                    version=segment.get(1, 1),
                    release=segment.get(1, 2),
                    agency=segment.get(1, 3),
                    association=segment.get(1, 4),
                    position=len(interchange.messages) + 1,
                    segments=segments[index : end + 1],
                    group=group,
                    interchange=interchange,
                    problems=own,
                )
            )
            group_count += 1
            index = end + 1
            continue
        if tag == "UNG":
            group, group_segment, group_count = segment.get(4) or segment.get(0), segment, 0
            interchange.groups.append((segment.get(0), segment.get(4)))
        elif tag == "UNE":
            if group_segment is None:
                raise EdiError(
                    "edifact_misplaced", segment="UNE", position=segment.number, value="UNE"
                )
            if segment.get(0) != str(group_count):
                _count_problem(
                    strict,
                    problems,
                    segment,
                    "messages",
                    str(group_count),
                    segment.get(0)[:10] or "nothing",
                )
            if segment.get(1) != group_segment.get(4):
                _reference_problem(
                    strict, problems, segment, "UNG", group_segment.get(4)[:14], segment.get(1)[:14]
                )
            group, group_segment = None, None
        elif tag == "UNZ":
            unz_seen = True
            expected = len(interchange.groups) or len(interchange.messages)
            if segment.get(0) != str(expected):
                what = "groups" if interchange.groups else "messages"
                _count_problem(
                    strict, problems, segment, what, str(expected), segment.get(0)[:10] or "nothing"
                )
            if unb and segment.get(1) != interchange.control_reference:
                _reference_problem(
                    strict,
                    problems,
                    segment,
                    "UNB",
                    interchange.control_reference[:14],
                    segment.get(1)[:14],
                )
            if index != len(segments) - 1:
                after = segments[index + 1]
                if after.tag == "UNB":  # interchanges sent one after the other
                    raise EdiError(
                        "edifact_second_interchange", position=after.number, value=after.tag
                    )
                raise EdiError(
                    "edifact_after_end", segment=after.tag, position=after.number, value=after.tag
                )
        else:
            raise EdiError(
                "edifact_outside_message", segment=tag, position=segment.number, value=tag
            )
        index += 1
    if not interchange.messages:
        raise EdiError("edifact_no_message")
    if group_segment is not None:
        raise EdiError("edifact_incomplete", value="UNE")
    if unb and not unz_seen:
        _report(
            strict,
            problems,
            problem("edifact_incomplete", line=segments[-1].number, value="UNZ"),
            ERR_MISSING,
        )
    interchange.problems = problems
    return interchange
