"""Fixtures and factories shared by the consignor EDI tests (no test methods)."""

import datetime
import io
import os
import tempfile
import zipfile

from odoo import Command, fields
from odoo.addons.med_gsp_quality.tests.common import GspQualityCommon

PO_HEADER = "报文编号,委托方编码,单据日期,订单号,商品编码,商品条码,产品标识,批号,有效期至,数量,单价"


class ConsignorEdiCommon(GspQualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_edi = cls._make_user("edi_user", "med_consignor_edi.group_edi_user")
        cls.user_edi_manager = cls._make_user("edi_manager", "med_consignor_edi.group_edi_manager")
        cls.user_api_a = cls._make_user("edi_api_a", "med_consignor_edi.group_edi_consignor_api")
        cls.user_api_b = cls._make_user("edi_api_b", "med_consignor_edi.group_edi_consignor_api")
        Partner = cls.env["res.partner"]
        cls.consignor = Partner.create({"name": "Consignor A Medical", "ref": "C0001"})
        cls.consignor_b = Partner.create({"name": "Logistics B", "ref": "C0002"})
        cls.customer = Partner.create({"name": "First People's Hospital", "ref": "K0001"})
        cls.backend = cls.env["med.edi.backend"].create(
            {
                "name": "Consignor A",
                "partner_id": cls.consignor.id,
                "kind": "consignment_supplier",
                "consignor_code": "C0001",
                "our_code": "H0001",
                "api_user_id": cls.user_api_a.id,
                "channel": "http",
            }
        )
        cls.backend_b = cls.env["med.edi.backend"].create(
            {
                "name": "Logistics B",
                "partner_id": cls.consignor_b.id,
                "kind": "third_party_logistics",
                "consignor_code": "C0002",
                "api_user_id": cls.user_api_b.id,
                "channel": "http",
            }
        )
        Product = cls.env["product.product"]
        cls.stent = Product.create(
            {
                "name": "Coronary stent",
                "is_storable": True,
                "tracking": "lot",
                "default_code": "STENT-1",
                "barcode": "06901234567892",
            }
        )
        cls.catheter = Product.create(
            {
                "name": "Balloon catheter",
                "is_storable": True,
                "tracking": "lot",
                "default_code": "CATH-1",
            }
        )
        cls.valve = Product.create(
            {
                "name": "Heart valve",
                "is_storable": True,
                "tracking": "lot",
                "default_code": "VALVE-1",
            }
        )
        # the consignor's own code for the catheter, and a UDI-DI for the valve
        cls.env["product.supplierinfo"].create(
            {
                "partner_id": cls.consignor.id,
                "product_tmpl_id": cls.catheter.product_tmpl_id.id,
                "product_code": "A-CATH",
                "price": 350.0,
            }
        )
        cls.env["med.product.di"].create(
            {
                "di": "06901234567908",
                "product_tmpl_id": cls.valve.product_tmpl_id.id,
            }
        )
        cls.stock_location = cls.warehouse.lot_stock_id

    def _exchanges(self, domain=(), user=None):
        """The exchanges of the tests' backends matching ``domain`` (a database with demo
        data has others), as ``user`` sees them when given."""
        Exchange = self.env["med.edi.exchange"]
        if user:
            Exchange = Exchange.with_user(user)
        return Exchange.search([("backend_id", "in", (self.backend | self.backend_b).ids), *domain])

    @classmethod
    def _api_key(cls, user, name):
        """An API key of ``user`` (a consignor's API user) valid for a day."""
        expiry = fields.Datetime.now() + datetime.timedelta(days=1)
        return cls.env["res.users.apikeys"].with_user(user)._generate(None, name, expiry)

    # -- factories ---------------------------------------------------------------------

    @staticmethod
    def _xlsx_bomb(inflated):
        """A small XLSX whose only sheet inflates to ``inflated`` bytes of empty rows."""
        main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        rels = "http://schemas.openxmlformats.org/package/2006/relationships"
        office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "_rels/.rels",
                f'<Relationships xmlns="{rels}"><Relationship '
                f'Id="rId1" Type="{office}/officeDocument" '
                'Target="xl/workbook.xml"/></Relationships>',
            )
            archive.writestr(
                "xl/workbook.xml",
                f'<workbook xmlns="{main}" xmlns:r="{office}">'
                '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
                "</workbook>",
            )
            archive.writestr(
                "xl/_rels/workbook.xml.rels",
                f'<Relationships xmlns="{rels}">'
                f'<Relationship Id="rId1" Type="{office}/worksheet" '
                'Target="worksheets/sheet1.xml"/></Relationships>',
            )
            with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
                sheet.write(f'<worksheet xmlns="{main}"><sheetData>'.encode())
                chunk = b"<row/>" * 100_000
                for _ in range(inflated // len(chunk)):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
        return out.getvalue()

    def _edi_tempdir(self):
        """A temporary folder inside the EDI folder root (where folder channels live)."""
        root = self.env["med.edi.backend"]._edi_folder_root()
        os.makedirs(root, exist_ok=True)
        return tempfile.TemporaryDirectory(dir=root)

    @classmethod
    def _lot(cls, product, name, expiry=None):
        vals = {"product_id": product.id, "name": name, "company_id": cls.company.id}
        if expiry:
            vals["expiration_date"] = datetime.datetime.combine(expiry, datetime.time(12))
        return cls.env["stock.lot"].create(vals)

    @classmethod
    def _consigned(cls, product, lot, quantity, owner=None, location=None):
        """Put ``quantity`` units of the consignor's stock (owner) on hand."""
        return cls.env["stock.quant"]._update_available_quantity(
            product,
            location or cls.stock_location,
            quantity,
            lot_id=lot,
            owner_id=owner or cls.consignor,
        )

    @staticmethod
    def _csv(rows, header=PO_HEADER, encoding="utf-8"):
        return ("\n".join([header, *rows]) + "\n").encode(encoding)

    @classmethod
    def _po_rows(cls, message_id="PO-1", order="PO-2025-1", lines=None):
        lines = lines or [
            ("STENT-1", "", "", "L1", "2030-01-31", "3", "1280"),
            ("A-CATH", "", "", "L2", "2030-02-28", "5", "350"),
            ("", "", "06901234567908", "L3", "2030-03-31", "1", "9000"),
        ]
        return [",".join((message_id, "C0001", "2025-06-01", order, *line)) for line in lines]

    def _receive(self, data, message_type="purchase_order", backend=None, filename="file.csv"):
        return (backend or self.backend)._edi_receive(data, message_type, filename=filename)

    def _problem_fields(self, exchange):
        return {(p.line, p.field, p.code) for p in exchange.problem_ids}

    @classmethod
    def _transfer(cls, product, lot, quantity, source, destination, owner=None):
        """A done transfer of ``quantity`` units of ``lot`` (owned by ``owner``) with its
        move line written as a storekeeper scanning it would."""
        warehouse = cls.warehouse
        if source.usage == "internal" and destination.usage == "internal":
            picking_type = warehouse.int_type_id
        elif destination.usage == "internal":
            picking_type = warehouse.in_type_id
        else:
            picking_type = warehouse.out_type_id
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "owner_id": owner.id if owner else False,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.display_name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                            "restrict_partner_id": owner.id if owner else False,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "lot_id": lot.id,
                            "quantity": quantity,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                            "owner_id": owner.id if owner else False,
                            "picking_id": picking.id,
                        }
                    )
                ]
            }
        )
        picking.move_ids.picked = True
        picking.button_validate()
        return picking

    @staticmethod
    def _create_picking_done(picking):
        """Validate a transfer as a storekeeper would, every line at its demand."""
        picking.action_assign()
        for move in picking.move_ids:
            if not move.move_line_ids:
                move.write(
                    {
                        "move_line_ids": [
                            Command.create(
                                {
                                    "product_id": move.product_id.id,
                                    "quantity": move.product_uom_qty,
                                    "location_id": move.location_id.id,
                                    "location_dest_id": move.location_dest_id.id,
                                }
                            )
                        ]
                    }
                )
            move.picked = True
        picking.button_validate()
        return picking
