"""The hospital information system (HIS/EMR) side of surgery cases, without Odoo.

- :mod:`.er7`: HL7 v2 messages read and written (pipe-and-hat encoding);
- :mod:`.dft`: ``DFT^P03`` charges of a closed case, written and read;
- :mod:`.siu`: ``SIU^S12``…``S17`` operation bookings read;
- :mod:`.fhir`: a closed case as a FHIR R4 transaction bundle (Procedure, Device);
- :mod:`.cda`: a closed case as the 高值耗材使用记录 CDA document (WS/T 500 C0022);
- :mod:`.csvio`: bookings and charges from the HIS's CSV exports;
- :mod:`.reconcile`: scanned, charged and billed, matched unit by unit;
- :mod:`.ack`: the HIS's HL7 acknowledgment of a message sent (``MSA``).
"""

from .ack import Ack, read_ack
from .case import CHARGED_OUTCOMES, OUTCOMES, Booking, CaseDevice, Charge, SurgeryCase
from .cda import write_c0022
from .csvio import read_bookings_csv, read_charges_csv
from .dft import read_dft_p03, write_dft_p03
from .errors import MESSAGES, HisError
from .fhir import case_bundle
from .reconcile import Line, reconcile, summary
from .siu import read_siu

__all__ = [
    "CHARGED_OUTCOMES",
    "MESSAGES",
    "OUTCOMES",
    "Ack",
    "Booking",
    "CaseDevice",
    "Charge",
    "HisError",
    "Line",
    "SurgeryCase",
    "case_bundle",
    "read_bookings_csv",
    "read_ack",
    "read_charges_csv",
    "read_dft_p03",
    "read_siu",
    "reconcile",
    "summary",
    "write_c0022",
    "write_dft_p03",
]
