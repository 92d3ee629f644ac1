# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The UDI label of a unit: its GS1 DataMatrix decodes to the unit's element string."""

import base64
import datetime
import io
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import zxingcpp
from lxml import html
from odoo.addons.base.models.ir_actions_report import wkhtmltopdf_state
from odoo.exceptions import UserError
from odoo.tests import tagged
from PIL import Image

from medtrace.udi import gs1_element_string

from .common import MedDeviceStockCommon

REPORT = "med_device_stock.stock_lot_label_report"


def decode(image):
    """(text with FNC1 as GS, symbology identifier) of each symbol zxing-cpp finds."""
    return [
        (found.text, found.symbology_identifier)
        for found in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    ]


@tagged("post_install", "-at_install")
class TestStockLotLabel(MedDeviceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.implant = cls.env["product.product"].create(
            {
                "name": "Hip Stem 12",
                "is_storable": True,
                "tracking": "serial",
                "use_expiration_date": True,
                "med_is_device": True,
                "med_implantable": True,
            }
        )
        cls.env["med.product.di"].create(
            {
                "di": "09506000134352",
                "product_tmpl_id": cls.implant.product_tmpl_id.id,
                "product_id": cls.implant.id,
            }
        )
        cls.unit = cls.env["stock.lot"].create(
            {
                "name": "SN42",
                "product_id": cls.implant.id,
                "med_mfr_lot": "LOT1",
                "med_serial": "SN42",
                "med_manufactured_date": datetime.date(2024, 1, 2),
                "expiration_date": datetime.datetime(2027, 5, 31, 12, 0),
            }
        )
        cls.element_string = gs1_element_string(
            "09506000134352",
            lot="LOT1",
            serial="SN42",
            expiry="2027-05-31",
            manufactured="2024-01-02",
        )

    def render_html(self, lots):
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(REPORT, lots.ids)
        return html.fromstring(content)

    def label_images(self, document):
        images = []
        for img in document.xpath("//img[hasclass('o_med_udi_datamatrix')]"):
            header, data = img.get("src").split(",", 1)
            self.assertEqual(header, "data:image/png;base64")
            images.append(Image.open(io.BytesIO(base64.b64decode(data))))
        return images

    def test_label_symbol_decodes_to_the_unit_udi(self):
        document = self.render_html(self.unit)
        [image] = self.label_images(document)
        self.assertEqual(decode(image), [(self.element_string, "]d2")])
        text = " ".join(document.text_content().split())
        for expected in (
            "Hip Stem 12",
            "GTIN: 09506000134352",
            "Lot: LOT1",
            "Serial: SN42",
            "Expiry: 2027-05-31",
            "Manufactured: 2024-01-02",
        ):
            self.assertIn(expected, text)

    def test_lot_tracked_device_label_uses_the_lot_name(self):
        gauze = self.env["product.product"].create(
            {
                "name": "Sterile Gauze",
                "is_storable": True,
                "tracking": "lot",
                "med_is_device": True,
                "barcode": "9506000134376",
            }
        )
        lot = self.env["stock.lot"].create({"name": "G-2201", "product_id": gauze.id})
        labels = self.label_images(self.render_html(lot | self.unit))
        self.assertEqual(len(labels), 2)
        self.assertEqual(
            decode(labels[0]), [(gs1_element_string("9506000134376", lot="G-2201"), "]d2")]
        )

    def test_no_gtin_is_a_clear_error(self):
        product = self.env["product.product"].create(
            {"name": "Unlabelled Clip", "is_storable": True, "tracking": "lot"}
        )
        lot = self.env["stock.lot"].create({"name": "C-1", "product_id": product.id})
        with self.assertRaisesRegex(UserError, "C-1.*Unlabelled Clip.*GTIN"):
            self.render_html(lot)

    def test_lot_the_gs1_symbol_cannot_carry_is_a_clear_error(self):
        self.unit.med_mfr_lot = "LOT WITH SPACE"
        with self.assertRaisesRegex(UserError, "SN42.*LOT WITH SPACE"):
            self.render_html(self.unit)

    @unittest.skipUnless(
        wkhtmltopdf_state in ("ok", "upgrade") and shutil.which("pdftoppm"),
        "wkhtmltopdf and pdftoppm (Debian: wkhtmltopdf poppler-utils) are needed",
    )
    def test_printed_pdf_label_decodes(self):
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.unit.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "label.pdf")
            path.write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-r", "300", "-png", str(path), str(Path(tmp, "page"))],
                check=True,
                timeout=120,
            )
            [page] = sorted(Path(tmp).glob("page*.png"))
            self.assertEqual(decode(Image.open(page)), [(self.element_string, "]d2")])
