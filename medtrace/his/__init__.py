"""The hospital information system (HIS/EMR) side of surgery cases, without Odoo.

- :mod:`.er7`: HL7 v2 messages read and written (pipe-and-hat encoding);
- :mod:`.dft`: ``DFT^P03`` charges of a closed case, written and read;
- :mod:`.siu`: ``SIU^S12``…``S17`` operation bookings read;
- :mod:`.fhir`: a closed case as a FHIR R4 transaction bundle (Procedure, Device);
- :mod:`.csvio`: bookings and charges from the HIS's CSV exports;
- :mod:`.reconcile`: scanned, charged and billed, matched unit by unit.
"""

from .case import CHARGED_OUTCOMES, OUTCOMES, Booking, CaseDevice, Charge, SurgeryCase
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
    "Booking",
    "CaseDevice",
    "Charge",
    "HisError",
    "Line",
    "SurgeryCase",
    "case_bundle",
    "read_bookings_csv",
    "read_charges_csv",
    "read_dft_p03",
    "read_siu",
    "reconcile",
    "summary",
    "write_dft_p03",
]
