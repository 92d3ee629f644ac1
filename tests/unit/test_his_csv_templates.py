"""The CSV templates linked on the HIS import forms (med_device_stock/static/templates)
are read by the readers the imports use, with the same values in both languages."""

import datetime as dt
from pathlib import Path

import pytest

from medtrace.his import read_bookings_csv, read_charges_csv
from medtrace.udi import parse

TEMPLATES = Path(__file__).resolve().parents[2] / "med_device_stock" / "static" / "templates"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_booking_template_is_read(language):
    (booking,) = read_bookings_csv((TEMPLATES / f"his_bookings_{language}.csv").read_bytes())
    assert booking.his_case_id == "SS-20261208-01"
    assert (booking.patient_id, booking.visit_number) == ("MRN-2026-0157", "IP-2026-3390")
    assert booking.start == dt.datetime(2026, 12, 8, 8, 30)
    assert booking.duration_minutes == 90
    assert booking.procedure_code == "37.8101"
    assert booking.operating_room and booking.surgeon_name and booking.department_name
    assert booking.action == "new"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_charge_template_is_read(language):
    (charge,) = read_charges_csv((TEMPLATES / f"his_charges_{language}.csv").read_bytes())
    assert (charge.transaction_id, charge.his_case_id) == ("T-000001", "SS-20261207-02")
    assert charge.charge_code == "HC-DES-3018"
    assert (charge.quantity, charge.unit_price, charge.amount) == (1.0, 5800.0, 5800.0)
    assert charge.date == dt.datetime(2026, 12, 7, 10, 15)
    assert (charge.lot, charge.serial) == ("24A", "DES24A0002")
    udi = parse(charge.udi)
    assert (udi.gtin, udi.serial) == ("06901234000016", "DES24A0002")
