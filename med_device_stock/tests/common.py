"""Fixtures and factories shared by the device stock tests (no test methods)."""

import base64
import datetime
import http.server
import io
import threading

import openpyxl
from lxml import etree
from odoo import Command, fields
from odoo.addons.med_device_stock.models.med_device_operation_mixin import SYSTEM_WRITE
from odoo.tests import TransactionCase, new_test_user

from medtrace.udi import gs1_element_string


def open_form(env, user, record):
    """Open ``record``'s form as ``user`` does in the web client: the form view for that
    user, then ``web_read`` of the form's own fields (the records of a many2one, or of an
    x2many shown through a sub-view; only the ids of another x2many).  Raises what the
    user would see, e.g. an AccessError."""
    env.invalidate_all()  # a request starts with an empty cache
    model = env[record._name].with_user(user)
    views = model.get_views([(False, "form")])
    fields_info = views["models"][record._name]["fields"]
    arch = etree.fromstring(views["views"]["form"]["arch"])
    nodes = {
        node.get("name"): node
        for node in arch.iter("field")
        if not any(parent.tag == "field" for parent in node.iterancestors())
    }
    spec = {}
    for name, node in nodes.items():
        kind = fields_info[name]["type"]
        shown = kind == "many2one" or (
            kind in ("one2many", "many2many") and len(node) and node.get("invisible") != "1"
        )
        spec[name] = {"fields": {"display_name": {}}} if shown else {}
    return model.browse(record.id).web_read(spec)


def gtin_with_check_digit(body):
    """GTIN from its digits without the check digit (GS1 mod-10)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


class MedDeviceStockCommon(TransactionCase):
    """Base for device stock tests: users of each role and a warehouse."""

    #: the tests work in a hospital of their own (a company made for them): for tests of
    #: company-wide figures (the dashboard), to which a database with demo data adds its
    #: own hospital's day
    _med_own_company = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        if cls._med_own_company:
            company = cls._make_hospital(f"{cls.__name__} Hospital")
            cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        cls.company = cls.env.company
        # what exists before the tests (a database with demo data has products, departments
        # and units of its own): company-wide reports and jobs are read above these ids
        cls._floor = {
            model: cls.env[model]
            .with_context(active_test=False)
            .search([], order="id desc", limit=1)
            .id
            or 0
            for model in ("product.product", "hr.department", "res.users")
        }
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.user_department = cls._make_user(
            "med_dept", "med_device_stock.group_med_department_user"
        )
        cls.user_storekeeper = cls._make_user("med_store", "med_device_stock.group_med_storekeeper")
        cls.user_manager = cls._make_user("med_manager", "med_device_stock.group_med_manager")
        cls.user_plain = cls._make_user("med_plain", "base.group_user")

    @classmethod
    def _make_hospital(cls, name):
        """A company (another hospital in the same database) with its warehouse."""
        company = cls.env["res.company"].create({"name": name})
        cls.env.user.company_ids = [Command.link(company.id)]
        return company

    @classmethod
    def _make_user(cls, login, groups, company=None):
        """A user of ``groups`` in ``company`` only (default: the tests' company); its
        login (and password) ``login``, or ``<login>_test`` where a database with demo
        data already has that login."""
        company = company or cls.company
        if (
            cls.env["res.users"]
            .with_context(active_test=False)
            .search_count([("login", "=", login)])
        ):
            login = f"{login}_test"
        # the superuser's time zone: a database with demo data gives it Europe/Brussels
        # and new users none, and near midnight UTC "today" would differ between the test
        # (the superuser's) and the user it acts as
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            tz=cls.env.user.tz or False,
        )

    # ------------------------------------------------------------------ factories
    @classmethod
    def _make_department(cls, name, company=None):
        """A device department of ``company`` (default: the tests' company); its
        sub-store is created with it."""
        return cls.env["hr.department"].create(
            {
                "name": name,
                "med_is_device_department": True,
                "company_id": (company or cls.company).id,
            }
        )

    @classmethod
    def _make_employee(cls, name, department, user=None):
        return cls.env["hr.employee"].create(
            {
                "name": name,
                "department_id": department.id,
                "company_id": department.company_id.id,
                "user_id": user.id if user else False,
            }
        )

    @classmethod
    def _make_supplier(cls, name="Device Supplier"):
        return cls.env["res.partner"].create({"name": name, "is_company": True})

    @classmethod
    def _make_device(
        cls, name, gtin_body, implantable=False, box_gtin_body=None, box_quantity=10, **values
    ):
        """A device product with its UDI-DI (and a box DI holding ``box_quantity`` units)."""
        tracking = "serial" if implantable or values.get("med_high_value") else "lot"
        dis = [
            Command.create(
                {"di": gtin_with_check_digit(gtin_body), "packaging_level": "each", "quantity": 1}
            )
        ]
        if box_gtin_body:
            dis.append(
                Command.create(
                    {
                        "di": gtin_with_check_digit(box_gtin_body),
                        "packaging_level": "box",
                        "quantity": box_quantity,
                    }
                )
            )
        template = cls.env["product.template"].create(
            dict(
                {
                    "name": name,
                    "type": "consu",
                    "is_storable": True,
                    "tracking": tracking,
                    "use_expiration_date": True,
                    "med_is_device": True,
                    "med_device_class": "III" if implantable else "II",
                    "med_implantable": implantable,
                    "med_model": f"{name} M1",
                    "med_specification": "Standard",
                    "med_registration_number": "国械注准20233130001",
                    "med_udi_di_ids": dis,
                },
                **values,
            )
        )
        return template.product_variant_id

    @classmethod
    def _make_purchase(cls, supplier, lines, company=None):
        """A confirmed purchase order of ``company`` (default: the tests' company):
        ``lines`` is ``[(product, quantity), ...]``."""
        order = (
            cls.env["purchase.order"]
            .with_company(company or cls.company)
            .sudo()
            .create(
                {
                    "partner_id": supplier.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_qty": qty, "price_unit": 100.0}
                        )
                        for product, qty in lines
                    ],
                }
            )
        )
        order.button_confirm()
        return order.sudo(False)

    @staticmethod
    def udi(product, serial=None, lot=None, expiry=None, manufactured=None, di=None):
        """The GS1 element string of a unit of ``product`` (default expiry in two years)."""
        if expiry is None:
            expiry = fields.Date.today() + datetime.timedelta(days=730)
        di = di or product.med_udi_di_ids.filtered(lambda d: d.packaging_level == "each")[:1].di
        return gs1_element_string(
            di,
            lot=lot,
            serial=serial,
            expiry=expiry,
            manufactured=manufactured or datetime.date(2025, 1, 15),
        )

    @classmethod
    def scan(cls, raw, operation, user=None, **context):
        scanner = cls.env["med.device.scan"]
        if user:
            scanner = scanner.with_user(user)
        return scanner.scan(raw, operation, context)


class MedDeviceFlowCommon(MedDeviceStockCommon):
    """A hospital with two device departments, a supplier, an implant (serial) and a
    consumable (lot, with a box DI of 10), and the storekeeper working."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cardiology = cls._make_department("Cardiology")
        cls.orthopedics = cls._make_department("Orthopedics")
        cls.nurse = cls._make_employee("Nurse Li", cls.cardiology, user=cls.user_department)
        cls.surgeon = cls._make_employee("Dr Wang", cls.cardiology)
        cls.supplier = cls._make_supplier()
        cls.stent = cls._make_device("Coronary Stent", "695000000001", implantable=True)
        cls.catheter = cls._make_device("IV Catheter", "695000000002", box_gtin_body="695000000003")
        cls.stock_location = cls.warehouse.lot_stock_id

    @classmethod
    def _run_daily_jobs(cls):
        """The alert job and the quarantine job run over what the database holds before
        the tests (a database with demo data has near-expiry and expired units of its
        own): a test's runs then alert and move the test's units only."""
        cls.env["med.alert"].sudo()._cron_med_alerts()
        cls.env["med.device.quarantine"].sudo()._cron_med_move_expired()

    @staticmethod
    def _ok(result):
        """``result`` of a scan that must be accepted (fails the test with its message)."""
        if not result["ok"]:
            raise AssertionError(result["message"])
        return result

    @classmethod
    def _receive(
        cls,
        product,
        units,
        quantity=None,
        lot=None,
        certificate="CoC-001",
        supplier=None,
        user=None,
        company=None,
    ):
        """Order (from ``supplier``, default the tests' supplier, for ``company``, default
        the tests' company) and receive units of ``product`` (``units``: serials, or for
        a lot product the number of single-unit scans of lot ``lot``), scanned by ``user``
        when given; returns the lots."""
        serials = units if product.tracking == "serial" else [None] * units
        order = cls._make_purchase(
            supplier or cls.supplier, [(product, quantity or len(serials))], company=company
        )
        lots = cls.env["stock.lot"]
        for serial in serials:
            result = cls._ok(
                cls.scan(
                    cls.udi(product, serial=serial, lot=lot or "L2025A"),
                    "receipt",
                    user=user,
                    purchase_id=order.id,
                    certificate_number=certificate,
                )
            )
            lots |= cls.env["stock.lot"].browse(result["lot_id"])
        Check = cls.env["med.receipt.check"]
        if user:
            Check = Check.with_user(user)
        Check.search([("purchase_id", "=", order.id)]).action_done()
        return lots

    @classmethod
    def _issue(cls, lot, department=None, operation="issue", **context):
        context.setdefault("department_id", (department or cls.cardiology).id)
        context.setdefault("requester_id", cls.nurse.id)
        if operation == "borrow":
            context.setdefault(
                "expected_return_date", fields.Date.today() + datetime.timedelta(days=7)
            )
        return cls.scan(cls._raw(lot), operation, **context)

    @classmethod
    def _raw(cls, lot):
        """The UDI on the unit's label: it carries the unit's recorded data (a scan
        disagreeing with them is refused)."""
        return cls.udi(
            lot.product_id,
            serial=lot.med_serial,
            lot=lot.med_mfr_lot,
            expiry=lot.expiration_date and lot.expiration_date.date() or None,
            manufactured=lot.med_manufactured_date or None,
        )

    def _count(self, *models):
        return {model: self.env[model].search_count([]) for model in models}


class MedReceiptCommon(MedDeviceFlowCommon):
    """A confirmed purchase order of 2 stents and 20 catheters, its receipt waiting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._make_purchase(cls.supplier, [(cls.stent, 2), (cls.catheter, 20)])
        cls.picking = cls.order.picking_ids

    def _scan_receipt(self, raw, operation="receipt", user=None, **context):
        """A scan at the order's receipt (with a certificate of conformity), by the
        storekeeper unless ``user`` is given."""
        context.setdefault("purchase_id", self.order.id)
        context.setdefault("certificate_number", "CoC-2025-7")
        return self.scan(raw, operation, user=user or self.user_storekeeper, **context)

    def _check(self):
        """The receipt check of the order's receipt."""
        return self.env["med.receipt.check"].search([("picking_id", "=", self.picking.id)])


class MedRecallCommon(MedDeviceFlowCommon):
    """Stents S1-S4 of manufacturer lot MFR1 (S2 issued to cardiology, S3 used on patient
    MRN-0042), S5 of lot MFR2, and catheter lot CATH1 spread over the store, cardiology
    and a patient; the device manager working."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_orthopedics = cls._make_user(
            "med_ortho", "med_device_stock.group_med_department_user"
        )
        cls._make_employee("Nurse Zhao", cls.orthopedics, user=cls.user_orthopedics)
        cls.cardiology.manager_id = cls.nurse
        cls.env = cls.env(user=cls.user_manager)
        units = cls._receive(cls.stent, ["S1", "S2", "S3", "S4"], lot="MFR1")
        cls.s1, cls.s2, cls.s3, cls.s4 = units
        cls.s5 = cls._receive(cls.stent, ["S5"], lot="MFR2")
        cls._ok(cls._issue(cls.s2))
        cls._ok(cls._issue(cls.s3))
        cls._ok(
            cls.scan(
                cls._raw(cls.s3),
                "use",
                department_id=cls.cardiology.id,
                patient_identifier="MRN-0042",
                encounter_ref="ENC-7",
            )
        )
        cls.catheter_lot = cls._receive(cls.catheter, 5, lot="CATH1")
        for _i in range(2):
            cls._ok(cls._issue(cls.catheter_lot))
        cls._ok(
            cls.scan(
                cls._raw(cls.catheter_lot),
                "use",
                department_id=cls.cardiology.id,
                patient_identifier="MRN-0077",
            )
        )

    def _open_recall(self, user=None, hours_ago=0, **values):
        values.setdefault("reason", "Sterility cannot be guaranteed")
        values["date_received"] = fields.Datetime.now() - datetime.timedelta(hours=hours_ago)
        Wizard = self.env["med.recall.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        action = Wizard.create(values).action_open_recall()
        return self.env["med.recall"].browse(action["res_id"])


class MedReportCommon(MedDeviceFlowCommon):
    """Stents (1000 each at standard price) and catheters (10 each) for the reports,
    a department user of orthopedics besides cardiology's, and the storekeeper working."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_orthopedics = cls._make_user(
            "med_ortho_rep", "med_device_stock.group_med_department_user"
        )
        cls._make_employee("Nurse Zhao", cls.orthopedics, user=cls.user_orthopedics)
        cls.cardiology.manager_id = cls.nurse
        cls.stent.standard_price = 1000.0
        cls.catheter.standard_price = 10.0
        cls.env = cls.env(user=cls.user_storekeeper)

    def _use(self, lot, department=None, patient="MRN-0001"):
        result = self.scan(
            self._raw(lot),
            "use",
            department_id=(department or self.cardiology).id,
            patient_identifier=patient,
        )
        self.assertTrue(result["ok"], result["message"])
        return result

    def _scrap(self, lot, quantity=1.0, reason="Damaged packaging"):
        scrap = self.env["med.device.scrap"].create(
            {"lot_id": lot.id, "quantity": quantity, "reason": reason}
        )
        scrap.action_done()
        return scrap

    def _shift_events(self, lots, days, event_type=None):
        """Move the timeline events of ``lots`` ``days`` into the past (the workflow's
        own token: nobody else changes an event)."""
        events = lots.sudo().med_event_ids.with_context(med_system_write=SYSTEM_WRITE)
        if event_type:
            events = events.filtered(lambda e: e.event_type == event_type)
        for event in events:
            event.date = event.date - datetime.timedelta(days=days)
        self.env.flush_all()

    def _expire_in(self, lots, days):
        lots.sudo().expiration_date = fields.Datetime.now() + datetime.timedelta(days=days)
        self.env.flush_all()

    def _ours(self, model):
        """The domain keeping the rows of ``model`` about the tests' own products (or
        departments, or documents of the tests' users): a database with demo data
        reports on its own units too."""

        def created(comodel):
            return (
                self.env[comodel]
                .with_context(active_test=False)
                .search([("id", ">", self._floor[comodel])])
                .ids
            )

        fields_ = self.env[model]._fields
        if model == "med.report.timeliness":
            return [("user_id", "in", created("res.users"))]
        if "product_id" in fields_:
            return [("product_id", "in", created("product.product"))]
        if "department_id" in fields_:
            return [("department_id", "in", created("hr.department"))]
        return []

    def _report_rows(self, model, domain=(), user=None):
        Report = self.env[model]
        if user:
            Report = Report.with_user(user)
        return Report.search([*self._ours(model), *domain])

    def _report_groups(self, model, groupby, measures, domain=None, user=None):
        Report = self.env[model]
        if user:
            Report = Report.with_user(user)
        return Report.read_group(
            [*self._ours(model), *(domain or [])], measures, groupby, lazy=False
        )

    @classmethod
    def _make_report_stock(cls, catheter_issues=1):
        """Stents S1-S4 (lot MFR1) and 5 catheters (lot CATH1) received; S2 and S3 issued to
        cardiology, S4 to orthopedics, ``catheter_issues`` catheters to cardiology."""
        cls.s1, cls.s2, cls.s3, cls.s4 = cls._receive(
            cls.stent, ["S1", "S2", "S3", "S4"], lot="MFR1"
        )
        cls.cath = cls._receive(cls.catheter, 5, lot="CATH1")
        cls._ok(cls._issue(cls.s2))
        cls._ok(cls._issue(cls.s3))
        cls._ok(cls._issue(cls.s4, department=cls.orthopedics))
        for _i in range(catheter_issues):
            cls._ok(cls._issue(cls.cath))
        cls.env.flush_all()


class MedDoneDocumentsCommon(MedDeviceFlowCommon):
    """One done document of each kind (receipt check, issue, use on patient, quarantine,
    scrap, count, closed recall) made through the workflow, the administrator a device
    manager, the storekeeper working."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.groups_id = [Command.link(cls.env.ref("med_device_stock.group_med_manager").id)]
        cls.env = cls.env(user=cls.user_storekeeper)

    @classmethod
    def _document_of(cls, result):
        if not result["ok"]:
            raise AssertionError(result["message"])
        return cls.env[result["res_model"]].browse(result["res_id"])

    @classmethod
    def _make_done_documents(cls):
        """``{kind: done document}`` and the units S1-S6 of the stent in ``cls.units``
        (made once per test class, in ``setUpClass``: each test rolls back what it did)."""
        cls.units = cls._receive(cls.stent, ["S1", "S2", "S3", "S4", "S5", "S6"])
        s1, s2, s3, s4, s5, _s6 = cls.units
        docs = {"receipt": cls.env["med.receipt.check"].search([("line_ids.lot_id", "=", s1.id)])}
        docs["issue"] = cls._document_of(cls._issue(s1))
        cls._issue(s2)
        docs["use"] = cls._document_of(
            cls.scan(
                cls._raw(s2),
                "use",
                department_id=cls.cardiology.id,
                patient_identifier="MRN-0042",
            )
        )
        docs["quarantine"] = cls.env["med.device.quarantine"].create(
            {"lot_id": s3.id, "reason": "Dropped"}
        )
        docs["quarantine"].action_done()
        docs["scrap"] = cls.env["med.device.scrap"].create({"lot_id": s4.id, "reason": "Bent"})
        docs["scrap"].action_done()
        count = cls.env["med.count"].create({"department_id": cls.cardiology.id})
        count.action_start()
        count._med_record_scans([{"lot_id": s1.id, "quantity": 1.0}])
        count.action_reconcile()
        count.action_done()
        docs["count"] = count
        recall = (
            cls.env["med.recall"]
            .with_user(cls.user_manager)
            .create({"reason": "Labelling", "product_id": cls.stent.id, "serials": s5.name})
        )
        recall.action_open()
        recall.line_ids.action_release()
        recall.action_close()
        docs["recall"] = recall.with_user(cls.user_storekeeper)
        return docs


class MedLegacyImportCommon(MedDeviceFlowCommon):
    """The hospital of the flow tests, a manager bringing in the former system's list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(user=cls.user_manager)

    def _xlsx(self, rows, merges=()):
        """An XLSX file of ``rows`` (``merges``: cell ranges merged, e.g. "E1:F1")."""
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        for cells in merges:
            sheet.merge_cells(cells)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def _csv(self, rows, encoding="utf-8"):
        return "\n".join(",".join(str(cell) for cell in row) for row in rows).encode(encoding)

    def _import(self, data, name="legacy.xlsx", user=None, **values):
        """A legacy import of ``data``, read and checked."""
        model = self.env["med.legacy.import"]
        if user:
            model = model.with_user(user)
        record = model.create(
            dict({"name": name, "file": base64.b64encode(data).decode()}, **values)
        )
        record.action_read_file()
        return record

    def _line(self, record, row):
        return record.line_ids.filtered(lambda line: line.row == row)


class MedSurgeryCaseCommon(MedDeviceFlowCommon):
    """Three stents and a lot of catheters issued to Cardiology (the theatre here), and a
    nurse of Orthopedics who must see nothing of Cardiology's cases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_ortho_nurse = cls._make_user(
            "med_ortho_nurse", "med_device_stock.group_med_department_user"
        )
        cls._make_employee("Nurse Zhao", cls.orthopedics, user=cls.user_ortho_nurse)

    def _issued_units(self):
        stents = self._receive(self.stent, ["SC-S1", "SC-S2", "SC-S3"])
        catheters = self._receive(self.catheter, 1, lot="SC-CATH")
        for lot in stents | catheters:
            result = self._issue(lot)
            self.assertTrue(result["ok"], result["message"])
        return stents, catheters

    def _case(self, user=None, **values):
        Case = self.env["med.surgery.case"].with_user(user or self.user_department)
        return Case.create(
            dict(
                {
                    "patient_identifier": "ZY20261207001",
                    "encounter_ref": "V77",
                    "department_id": self.cardiology.id,
                    "procedure_code": "36.0601",
                    "procedure_name": "Coronary stent implantation",
                    "surgeon_id": self.surgeon.id,
                    "operating_room": "OR-3",
                },
                **values,
            )
        )

    def _scan_to_case(self, case, lot, user=None):
        return self.scan(
            self._raw(lot), "case", user=user or self.user_department, document_id=case.id
        )

    def _listed_case(self):
        """A started case listing the three stents and the catheters, as the nurse sees it."""
        stents, catheters = self._issued_units()
        case = self._case()
        for lot in stents | catheters:
            result = self._scan_to_case(case, lot)
            self.assertTrue(result["ok"], result["message"])
        case = case.with_user(self.user_department)
        case.action_start()
        return case, stents, catheters

    def _closed_case(self):
        """Stent 1 implanted, 2 unused, 3 opened and wasted, the catheter used."""
        case, stents, catheters = self._listed_case()
        outcome = dict(zip(stents, ["implanted", "unused", "wasted"], strict=True))
        for line in case.line_ids:
            line.outcome = outcome.get(line.lot_id, "used")
        case.line_ids.filtered(lambda ln: ln.outcome == "wasted").waste_reason = "dropped"
        case.action_close()
        return case, stents, catheters


def hl7_ack(code, text="", control_id="MSC"):
    """An HL7 v2.5 acknowledgment (``ACK``) whose ``MSA-1`` is ``code``."""
    return (
        "MSH|^~\\&|HIS|HOSPITAL|MEDTRACE|HOSPITAL|20261207120000||ACK^P03^ACK|A1|P|2.5\r"
        f"MSA|{code}|{control_id}|{text}\r"
    )


class HisEndpoint:
    """A HIS listening on 127.0.0.1 (an ephemeral port) in a thread of the test: records
    each request (path, headers, body) and answers what the test queued in ``answers``
    (``(status, content type, body)``), by default 200 with an HL7 ACK ``MSA|AA``."""

    def __init__(self):
        self.requests = []
        self.answers = []
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                endpoint.requests.append({"path": self.path, "headers": self.headers, "body": body})
                status, content_type, answer = (
                    endpoint.answers.pop(0)
                    if endpoint.answers
                    else (200, "application/hl7-v2", hl7_ack("AA"))
                )
                data = answer.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/his/charges"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def reset(self):
        self.requests.clear()
        self.answers.clear()


class MedHisSendingCommon(MedSurgeryCaseCommon):
    """A HIS endpoint running for the tests, and closed cases whose messages it gets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.his = HisEndpoint().start()
        cls.addClassCleanup(cls.his.stop)

    def setUp(self):
        super().setUp()
        self.his.reset()

    def _his_backend(self, user=None, **values):
        Backend = self.env["med.his.backend"].with_user(user or self.user_manager)
        return Backend.create(
            dict({"name": "HIS charges", "transport": "http", "url": self.his.url}, **values)
        )

    def _close_case(self):
        """A case closed by the Cardiology nurse: stent 1 implanted, the catheter used,
        the other stents unused."""
        stents, catheters = self._issued_units()
        case = self._case()
        for lot in stents | catheters:
            self._ok(self._scan_to_case(case, lot))
        case = case.with_user(self.user_department)
        case.action_start()
        for line in case.line_ids:
            line.outcome = (
                "implanted"
                if line.lot_id == stents[0]
                else "used"
                if line.lot_id in catheters
                else "unused"
            )
        case.action_close()
        return case


class MedSurgeryLoanerCommon(MedSurgeryCaseCommon):
    """An orthopaedic implant supplier bringing loaner sets (跟台) of bone screws."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loaner_supplier = cls._make_supplier("Ortho Loaner Co")
        cls.screw = cls._make_device("Bone Screw", "695000000011", implantable=True)

    def _receive_loaner(self, case, units, user=None, partner=None):
        """Receive Loaner Set on ``case``: ``units`` are UDIs (str) or dicts typed in."""
        lines = []
        for unit in units:
            if isinstance(unit, str):
                lines.append(Command.create({"udi_raw": unit}))
            else:
                lines.append(Command.create(unit))
        wizard = (
            self.env["med.surgery.loaner.wizard"]
            .with_user(user or self.user_department)
            .create(
                {
                    "case_id": case.id,
                    "partner_id": (partner or self.loaner_supplier).id,
                    "certificate_number": "CoC-LOANER-1",
                    "line_ids": lines,
                }
            )
        )
        wizard.action_receive()
        return case.loaner_set_ids.filtered(
            lambda s: s.partner_id == (partner or self.loaner_supplier)
        )

    def _by_hand(self, serial, days=400):
        return {
            "product_id": self.screw.id,
            "serial": serial,
            "expiry_date": fields.Date.today() + datetime.timedelta(days=days),
        }

    def _lot(self, serial):
        return self.env["stock.lot"].search(
            [("product_id", "=", self.screw.id), ("name", "=", serial)]
        )

    def _internal_quants(self, lot):
        return self.env["stock.quant"].search(
            [("lot_id", "=", lot.id), ("location_id.usage", "=", "internal"), ("quantity", ">", 0)]
        )
