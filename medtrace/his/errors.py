"""Problems of messages exchanged with the hospital information system (HIS/EMR).

Stable codes and English templates with named placeholders; the Odoo addons
translate them (``_(error.template, **error.params)``) and repeat each template as
a literal for their translation export.
"""

from ..errors import MedtraceError

MESSAGES = {
    # HL7 v2 envelope
    "hl7_empty": "The HL7 message is empty.",
    "hl7_too_large": "The HL7 file is %(size)s bytes; at most %(maximum)s are read.",
    "hl7_no_msh": "The HL7 message does not start with an MSH segment (found %(found)r).",
    "hl7_separators": "MSH %(value)r does not declare the HL7 separators (MSH-1 and MSH-2).",
    "hl7_encoding": "The HL7 message is not %(charset)s text (MSH-18 %(declared)r).",
    "hl7_segment": "Segment %(position)s %(value)r is not an HL7 segment (three letters or "
    "digits, then the field separator).",
    "hl7_type": "The message is %(found)s; %(expected)s is expected here.",
    "hl7_required": "Segment %(segment)s, field %(field)s (%(name)s) is required.",
    "hl7_missing_segment": "The %(message)s message has no %(segment)s segment.",
    "hl7_date": "Segment %(segment)s, field %(field)s: %(value)r is not an HL7 date/time.",
    "hl7_number": "Segment %(segment)s, field %(field)s: %(value)r is not a number.",
    # CSV exports of the HIS
    "his_csv_column": "The %(kind)s file has no %(column)s column (columns: %(columns)s).",
    "his_csv_value": "Row %(row)s, column %(column)s: %(value)r %(problem)s",
    # writing
    "his_patient_identifier": "Case %(case)s has no patient identifier: it cannot be sent to "
    "the HIS.",
    "his_no_items": "Case %(case)s has no implanted or used device to send.",
}


class HisError(MedtraceError):
    """A HIS message or file that cannot be read or written."""

    MESSAGES = MESSAGES
