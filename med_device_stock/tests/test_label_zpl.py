# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ZPL labels of a unit: downloaded from the scan station's link, or sent to a Zebra printer.

The downloaded ZPL is printed back by an independent ZPL reader (zebrafy: ^GFA
graphic fields to images) and its DataMatrix decoded by zxing-cpp.  The network
printer is a real TCP server on 127.0.0.1 started by the test.
"""

import datetime
import re
import socket
import threading

import zxingcpp
from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from PIL import Image
from zebrafy import ZebrafyZPL

from medtrace.udi import gs1_element_string

from .common import MedDeviceStockCommon, gtin_with_check_digit

GS = "\x1d"


def decode_zpl(zpl):
    """(text, symbology identifier) of each symbol on the label as a printer prints it."""
    width = int(re.search(r"\^PW(\d+)", zpl).group(1))
    height = int(re.search(r"\^LL(\d+)", zpl).group(1))
    page = Image.new("L", (width, height), 255)
    origins = [(int(x), int(y)) for x, y in re.findall(r"\^FO(\d+),(\d+)\^GF", zpl)]
    for origin, image in zip(origins, ZebrafyZPL(zpl).to_images(), strict=True):
        page.paste(image.convert("L"), origin)
    return [
        (found.text, found.symbology_identifier)
        for found in zxingcpp.read_barcodes(page, text_mode=zxingcpp.TextMode.Plain)
    ]


class FakeZebra:
    """A TCP server on 127.0.0.1 receiving one connection's bytes, like a printer on 9100."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.received = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        connection, _address = self.server.accept()
        with connection:
            connection.settimeout(10)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        self.received.append(b"".join(chunks))

    def join(self):
        self.thread.join(15)
        self.server.close()
        return self.received


def free_port():
    """A local port nothing listens on."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@tagged("post_install", "-at_install")
class TestLabelZpl(HttpCase, MedDeviceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stem = cls._make_device("髋关节柄 Hip Stem", "695000000071", implantable=True)
        cls.gtin = gtin_with_check_digit("695000000071")
        cls.unit = cls._make_unit("SN42")
        cls.element_string = cls._element_string("SN42")
        cls.other_company = cls.env["res.company"].create({"name": "Other Hospital"})
        cls.other_storekeeper = new_test_user(
            cls.env,
            login="med_store_other",
            groups="med_device_stock.group_med_storekeeper",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )

    @classmethod
    def _make_unit(cls, serial):
        return cls.env["stock.lot"].create(
            {
                "name": serial,
                "product_id": cls.stem.id,
                "company_id": cls.company.id,
                "med_mfr_lot": "LOT1",
                "med_serial": serial,
                "med_manufactured_date": datetime.date(2025, 1, 15),
                "expiration_date": datetime.datetime(2027, 5, 31, 12, 0),
            }
        )

    @classmethod
    def _element_string(cls, serial):
        return gs1_element_string(
            cls.gtin, lot="LOT1", serial=serial, expiry="2027-05-31", manufactured="2025-01-15"
        )

    def url(self, lot):
        return f"/med_device_stock/label/{lot.id}.zpl"

    # ------------------------------------------------------------------ download
    def test_storekeeper_downloads_a_zpl_label_that_scans_as_the_unit(self):
        self.authenticate("med_store", "med_store")
        response = self.url_open(self.url(self.unit))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/zpl; charset=utf-8")
        self.assertEqual(
            response.headers["Content-Disposition"], "attachment; filename*=UTF-8''SN42.zpl"
        )
        zpl = response.content.decode("utf-8")
        self.assertTrue(zpl.startswith("^XA\n^CI28\n"))
        self.assertEqual(decode_zpl(zpl), [(self.element_string, "]d2")])
        self.assertIn(GS + "21SN42", self.element_string)
        self.assertIn("^FH\\^FD髋关节柄 Hip Stem^FS", zpl)  # product name in UTF-8
        for line in (
            "(01) " + self.gtin.zfill(14),
            "(11) 250115",
            "(17) 270531",
            "(10) LOT1",
            "(21) SN42",
        ):
            self.assertIn(f"^FD{line}^FS", zpl)

    def test_unit_the_user_cannot_read_is_not_found(self):
        for login in ("med_store_other", "med_dept", "med_plain"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                response = self.url_open(self.url(self.unit))
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("^XA", response.text)
        self.authenticate("med_store", "med_store")
        missing = self.unit.browse(
            self.env["stock.lot"].search([], order="id desc", limit=1).id + 1000
        )
        self.assertEqual(self.url_open(self.url(missing)).status_code, 404)

    def test_anonymous_visitor_is_sent_to_login(self):
        response = self.url_open(self.url(self.unit), allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        self.assertNotIn("^XA", response.text)

    def test_unit_without_gtin_answers_the_reason(self):
        product = self.env["product.product"].create(
            {
                "name": "Gauze",
                "is_storable": True,
                "tracking": "lot",
                "med_is_device": True,
            }
        )
        lot = self.env["stock.lot"].create(
            {"name": "G1", "product_id": product.id, "company_id": self.company.id}
        )
        self.authenticate("med_store", "med_store")
        response = self.url_open(self.url(lot))
        self.assertEqual(response.status_code, 400)
        self.assertIn("no GS1 GTIN is known", response.text)

    # ------------------------------------------------------------------ network printer
    def test_print_sends_the_label_to_the_network_printer(self):
        zebra = FakeZebra()
        self.company.med_zpl_printer = f"127.0.0.1:{zebra.port}"
        self.assertIs(self.unit.with_user(self.user_storekeeper).action_med_print_zpl(), True)
        [received] = zebra.join()
        self.assertEqual(received, self.unit._med_zpl().encode("utf-8"))
        self.assertEqual(decode_zpl(received.decode("utf-8")), [(self.element_string, "]d2")])

    def test_print_over_rpc_sends_every_selected_label(self):
        second = self._make_unit("SN43")
        zebra = FakeZebra()
        self.company.med_zpl_printer = f"127.0.0.1:{zebra.port}"
        self.authenticate("med_store", "med_store")
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw/stock.lot/action_med_print_zpl",
            {
                "model": "stock.lot",
                "method": "action_med_print_zpl",
                "args": [[self.unit.id, second.id]],
                "kwargs": {},
            },
        )
        self.assertIs(result, True)
        [received] = zebra.join()
        labels = re.findall(r"\^XA.*?\^XZ\n", received.decode("utf-8"), re.DOTALL)
        self.assertEqual(
            [decode_zpl(label) for label in labels],
            [[(self.element_string, "]d2")], [(self._element_string("SN43"), "]d2")]],
        )

    def test_unreachable_printer_names_host_and_port(self):
        port = free_port()
        self.company.med_zpl_printer = f"127.0.0.1:{port}"
        with self.assertRaisesRegex(
            UserError, rf"^The label printer 127\.0\.0\.1:{port} cannot be reached: "
        ):
            self.unit.with_user(self.user_storekeeper).action_med_print_zpl()

    def test_no_printer_configured(self):
        self.company.med_zpl_printer = False
        with self.assertRaisesRegex(
            UserError, rf"^No ZPL label printer is configured for {re.escape(self.company.name)}: "
        ):
            self.unit.with_user(self.user_storekeeper).action_med_print_zpl()

    def test_user_who_cannot_read_the_unit_cannot_print_it(self):
        zebra = FakeZebra()
        self.company.med_zpl_printer = f"127.0.0.1:{zebra.port}"
        with self.assertRaises(AccessError):
            self.unit.with_user(self.user_department).action_med_print_zpl()
        with socket.create_connection(("127.0.0.1", zebra.port)):
            pass  # let the server stop: nothing was sent before
        self.assertEqual(zebra.join(), [b""])

    def test_printer_address_setting(self):
        settings = self.env["res.config.settings"].create({"med_zpl_printer": "zebra.local"})
        settings.execute()
        self.assertEqual(self.company.med_zpl_printer, "zebra.local")
        self.assertEqual(self.company._med_zpl_printer_address(), ("zebra.local", 9100))
        self.company.med_zpl_printer = "[fd00::7]:6101"
        self.assertEqual(self.company._med_zpl_printer_address(), ("fd00::7", 6101))
        with self.assertRaisesRegex(
            ValidationError, r"address zebra\.local:label of .* is not host:port"
        ):
            self.company.med_zpl_printer = "zebra.local:label"
