from . import (
    med_count_import,
    med_device_correction_wizard,
    med_his_charge_import,
    med_recall_wizard,
    med_report_xlsx,
    med_scan_wizard,
    med_surgery_booking_import,
    med_surgery_loaner_wizard,
    med_udi_record_import,
)
