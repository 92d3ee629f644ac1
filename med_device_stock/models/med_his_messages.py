"""The templates of ``medtrace.his`` errors, repeated as literals for Odoo's translation
export (a unit test compares both lists)."""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

HIS_MESSAGES = {
    "hl7_empty": _lt("The HL7 message is empty."),
    "hl7_too_large": _lt("The HL7 file is %(size)s bytes; at most %(maximum)s are read."),
    "hl7_no_msh": _lt("The HL7 message does not start with an MSH segment (found %(found)r)."),
    "hl7_separators": _lt("MSH %(value)r does not declare the HL7 separators (MSH-1 and MSH-2)."),
    "hl7_encoding": _lt("The HL7 message is not %(charset)s text (MSH-18 %(declared)r)."),
    "hl7_segment": _lt(
        "Segment %(position)s %(value)r is not an HL7 segment (three letters or digits, "
        "then the field separator)."
    ),
    "hl7_type": _lt("The message is %(found)s; %(expected)s is expected here."),
    "hl7_required": _lt("Segment %(segment)s, field %(field)s (%(name)s) is required."),
    "hl7_missing_segment": _lt("The %(message)s message has no %(segment)s segment."),
    "hl7_date": _lt("Segment %(segment)s, field %(field)s: %(value)r is not an HL7 date/time."),
    "hl7_number": _lt("Segment %(segment)s, field %(field)s: %(value)r is not a number."),
    "his_csv_column": _lt("The %(kind)s file has no %(column)s column (columns: %(columns)s)."),
    "his_csv_value": _lt("Row %(row)s, column %(column)s: %(value)r %(problem)s"),
    "his_patient_identifier": _lt(
        "Case %(case)s has no patient identifier: it cannot be sent to the HIS."
    ),
    "his_no_items": _lt("Case %(case)s has no implanted or used device to send."),
}
