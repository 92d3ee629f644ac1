# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scan station's hoot unit tests (static/tests/scan_station.test.js) in Chromium."""

from odoo.tests import HttpCase, tagged


def hoot_error_checker(message):
    return "[HOOT]" not in message or message == "[HOOT] test failed (see above for details)"


@tagged("post_install", "-at_install")
class TestScanStationHoot(HttpCase):
    def test_station_unit_tests(self):
        self.browser_js(
            "/web/tests?headless&loglevel=2&preset=desktop&timeout=15000"
            "&filter=med_device_stock%20scan%20station",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] test suite succeeded",
            error_checker=hoot_error_checker,
        )
