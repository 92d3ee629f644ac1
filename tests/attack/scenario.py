"""The hospital the attack tests break into: the demo database, plus one user per role
(each with a password), consignors' API keys and a second company.

Run inside ``odoo-bin shell`` on a database with the three addons and their demo data
(``setup/test``'s attack tier does it); it commits and writes what the tests need
(logins, passwords, keys, record ids) as JSON to the path given::

    exec(open("tests/attack/scenario.py").read()); build(env, "/tmp/scenario.json")
"""

import datetime
import json

#: every role of the suite, as the demo's users would have them
ROLES = {
    "storekeeper": ["med_device_stock.group_med_storekeeper", "stock.group_stock_user"],
    "nurse": ["med_device_stock.group_med_department_user"],
    "manager": ["med_device_stock.group_med_manager"],
    "quality_officer": ["med_gsp_quality.group_gsp_quality_officer"],
    "quality_officer_2": ["med_gsp_quality.group_gsp_quality_officer"],
    "quality_manager": ["med_gsp_quality.group_gsp_quality_manager"],
    "purchaser": ["purchase.group_purchase_user"],
    "edi_manager": ["med_consignor_edi.group_edi_manager"],
    "edi_user": ["med_consignor_edi.group_edi_user"],
    "plain": ["base.group_user"],
}
CONSIGNORS = {
    "consignor_a": "med_consignor_edi.med_edi_backend_supplier_demo",
    "consignor_b": "med_consignor_edi.med_edi_backend_logistics_demo",
}
#: a valid resident ID number: what must never leak to another company's user
ID_NUMBER = "360426199101010071"


def _user(env, login, groups, company, companies=None):
    Users = env["res.users"].with_context(no_reset_password=True)
    user = Users.search([("login", "=", login)], limit=1)
    values = {
        "name": login.replace("_", " ").title(),
        "login": login,
        "password": f"{login}-Pw1!",
        "company_id": company.id,
        "company_ids": [(6, 0, (companies or company).ids)],
        "groups_id": [(6, 0, [env.ref(xmlid).id for xmlid in groups])],
    }
    if user:
        user.write(values)
    else:
        user = Users.create(values)
    return user


def build(env, out_path):
    ref = env.ref
    company = env.ref("base.main_company")
    admin = ref("base.user_admin")
    admin.write({"password": "admin"})
    other = env["res.company"].search([("name", "=", "Branch Hospital")], limit=1) or env[
        "res.company"
    ].create({"name": "Branch Hospital"})
    admin.write({"company_ids": [(4, other.id)]})
    # the administrator holds every role of the suite, as Odoo's apps give it theirs
    for xmlid in (
        "med_device_stock.group_med_manager",
        "med_gsp_quality.group_gsp_quality_manager",
        "med_consignor_edi.group_edi_manager",
    ):
        admin.write({"groups_id": [(4, ref(xmlid).id)]})

    users = {}
    for role, groups in ROLES.items():
        users[role] = _user(env, f"atk_{role}", groups, company)
    cardiology = ref("med_device_stock.hr_department_cardiology_demo")
    # the attacking nurse works in cardiology, like the demo's nurse (whose user stays)
    nurse_employee = env["hr.employee"].search([("user_id", "=", users["nurse"].id)], limit=1)
    if not nurse_employee:
        nurse_employee = env["hr.employee"].create(
            {
                "name": "Atk Nurse",
                "department_id": cardiology.id,
                "user_id": users["nurse"].id,
            }
        )
    # the other company's user and its sales representative's authorisation
    users["other_company"] = _user(
        env, "atk_other_company", ["med_gsp_quality.group_gsp_quality_officer"], other
    )
    other_partner = env["res.partner"].create(
        {"name": "Branch Supplier", "is_company": True, "company_id": other.id}
    )
    today = datetime.date.today()
    other_auth = (
        env["gsp.qualification"]
        .with_company(other)
        .create(
            {
                "partner_id": other_partner.id,
                "company_id": other.id,
                "doc_type": "sales_authorisation",
                "number": "AUTH-BRANCH-1",
                "holder": other_partner.name,
                "person_name": "Zhang San",
                "person_id_number": ID_NUMBER,
                "region": "Beijing",
                "issue_date": today - datetime.timedelta(days=30),
                "expiry_date": today + datetime.timedelta(days=365),
            }
        )
    )

    keys = {}
    expiry = datetime.datetime.now() + datetime.timedelta(hours=20)
    for role, backend_xmlid in CONSIGNORS.items():
        user = _user(env, f"atk_{role}", ["med_consignor_edi.group_edi_consignor_api"], company)
        users[role] = user
        backend = ref(backend_xmlid)
        backend.write({"api_user_id": user.id})
        keys[role] = env["res.users.apikeys"].with_user(user)._generate(None, "attack", expiry)
    backend_a = ref(CONSIGNORS["consignor_a"])
    backend_b = ref(CONSIGNORS["consignor_b"])
    # each consignor has a reconciliation of its own
    for backend in (backend_a, backend_b):
        if not env["med.edi.reconciliation"].search([("backend_id", "=", backend.id)]):
            product = env["product.product"].search([("med_is_device", "=", True)], limit=1)
            env["med.edi.reconciliation"].create(
                {
                    "name": f"Reconciliation {backend.consignor_code}",
                    "backend_id": backend.id,
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "lot_name": f"LOT-{backend.consignor_code}",
                                "our_quantity": 1,
                                "their_quantity": 2,
                                "status": "quantity",
                            },
                        )
                    ],
                }
            )

    # a done count and a closed recall, which the demo does not have
    count = env["med.count"].search([("state", "=", "done")], limit=1)
    if not count:
        # the operating theatre's sub-store holds nothing: a count without differences
        theatre = ref("med_device_stock.hr_department_or_demo")
        count = env["med.count"].create({"department_id": theatre.id})
        count.action_start()
        count.action_reconcile()
        count.action_done()
    recall = env["med.recall"].search([("state", "=", "closed")], limit=1)
    if not recall:
        recall = (
            env["med.recall"]
            .with_user(admin)
            .create(
                {
                    "reason": "Labelling error",
                    "product_id": ref("med_device_stock.product_hip_demo").product_variant_id.id,
                    "serials": "HJP0000118",
                }
            )
        )
        recall.action_open()
        recall.line_ids.action_release()
        recall.action_close()

    # a planned case of orthopaedics, which a cardiology nurse must not see
    ortho = ref("med_device_stock.hr_department_orthopedics_demo")
    Case = env["med.surgery.case"]
    ortho_case = Case.search([("department_id", "=", ortho.id)], limit=1) or Case.create(
        {
            "patient_identifier": "MRN-ORTHO-1",
            "department_id": ortho.id,
            "procedure_name": "Total hip replacement",
        }
    )
    closed_case = Case.search([("state", "=", "done")], limit=1)

    Use = env["med.device.use"]
    Issue = env["med.device.issue"]
    stent_lot = env["stock.lot"].search([("name", "=", "DES24A0003")], limit=1)
    scenario = {
        "db": env.cr.dbname,
        "admin": {"login": "admin", "password": "admin", "uid": admin.id},
        "users": {
            role: {"login": user.login, "password": f"{user.login}-Pw1!", "uid": user.id}
            for role, user in users.items()
        },
        "keys": keys,
        "company_id": company.id,
        "other_company_id": other.id,
        "other_qualification_id": other_auth.id,
        "id_number": ID_NUMBER,
        "cardiology_id": cardiology.id,
        "nurse_employee_id": nurse_employee.id,
        "backend_a": backend_a.id,
        "backend_b": backend_b.id,
        "done_use_id": Use.search(
            [("state", "=", "done"), ("department_id", "=", cardiology.id)], limit=1
        ).id,
        "done_issue_id": Issue.search(
            [("state", "=", "done"), ("operation_type", "=", "issue")], limit=1
        ).id,
        "done_scrap_id": env["med.device.scrap"].search([("state", "=", "done")], limit=1).id,
        "done_quarantine_id": env["med.device.quarantine"]
        .search([("state", "=", "done")], limit=1)
        .id,
        "done_receipt_check_id": env["med.receipt.check"]
        .search([("state", "=", "done")], limit=1)
        .id,
        "done_count_id": count.id,
        "closed_recall_id": recall.id,
        "closed_case_id": closed_case.id,
        "implant_record_id": closed_case.implant_ids[:1].id,
        "ortho_case_id": ortho_case.id,
        "stock_lot_id": stent_lot.id,
        "stock_lot_name": stent_lot.name,
        "stock_lot_di": stent_lot.med_di,
        "stock_lot_expiry": str(stent_lot.expiration_date.date()),
        "stock_lot_mfr_lot": stent_lot.med_mfr_lot,
    }
    missing = [key for key, value in scenario.items() if value in (False, None, 0)]
    if missing:
        raise RuntimeError(f"the attack scenario lacks {missing}: is the demo data loaded?")
    env.cr.commit()
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(scenario, out, indent=1)
    return scenario
