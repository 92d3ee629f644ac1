"""What the load test's clients need, in a generated hospital (``gen_scale_data.py``).

Run inside ``odoo-bin shell`` (the harness does it before each run); it commits and
writes as JSON to the path given what the clients use::

    exec(open("tests/load/scenario.py").read()); build(env, "/tmp/s.json", 20, "R1")

- the generated device identifiers made valid GTINs (the generator writes them with a
  check digit always 0, which a GS1 scanner's UDI cannot carry): the identifiers and
  the units' ``med_di`` rewritten with their right check digit, once;
- one storekeeper per scanning client (and at least two: the contention scans come from
  a second station), who may also order (a receipt starts with a purchase order);
- a manager who opens reports and recalls and verifies the audit trail;
- three consignors: an EDI backend each, its API user and API key;
- the units the clients scan, taken from the generated stock: units in the main store
  (to issue and count), units issued to the wards (to use or return), each with the UDI
  a scanner reads from its label, and units kept apart for the recalls.
"""

import datetime
import json
import random

from medtrace.udi import gs1_element_string

PASSWORD = "Load-Pw1!"
SCANNER_GROUPS = [
    "med_device_stock.group_med_storekeeper",
    "med_device_stock.group_med_department_user",
    "stock.group_stock_user",
    "purchase.group_purchase_user",
]
MANAGER_GROUPS = [
    "med_device_stock.group_med_manager",
    "med_gsp_quality.group_gsp_quality_manager",
    "med_consignor_edi.group_edi_manager",
    "purchase.group_purchase_user",
]
CONSIGNORS = 3
#: wards the scanning clients work in (the generator's 10 departments: Operating
#: Theatre, Ward 01..09)
CLIENT_WARDS = 3


def _check_digit(body):
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def fix_identifiers(env):
    """Give the generated identifiers (``0950600nnnnnn0``) their GS1 check digit."""
    cr = env.cr
    cr.execute("SELECT id, di FROM med_product_di WHERE di LIKE '0950600%%'")
    fixed = {}
    for di_id, di in cr.fetchall():
        right = di[:13] + _check_digit(di[:13])
        if right != di:
            fixed[di] = right
            cr.execute("UPDATE med_product_di SET di = %s WHERE id = %s", [right, di_id])
    for old, new in fixed.items():
        cr.execute("UPDATE stock_lot SET med_di = %s WHERE med_di = %s", [new, old])
    env.invalidate_all()
    return len(fixed)


def _user(env, login, groups):
    Users = env["res.users"].with_context(no_reset_password=True)
    user = Users.search([("login", "=", login)], limit=1)
    values = {
        "name": login.replace("_", " ").title(),
        "login": login,
        "password": PASSWORD,
        "groups_id": [(6, 0, [env.ref(xmlid).id for xmlid in groups])],
    }
    if user:
        values.pop("password")  # hashing it again costs a second a user
        user.write(values)
    else:
        user = Users.create(values)
    return user


def _code(row):
    lot_id, di, mfr_lot, serial, expiry = row[:5]
    return gs1_element_string(di, lot=mfr_lot, serial=serial, expiry=expiry.date())


def _units(env, state, limit, exclude=(), extra=""):
    """Serial units of the generated hospital in ``state``, not expiring within 90 days:
    [lot id, UDI, department id]."""
    env.cr.execute(
        f"""
        SELECT l.id, l.med_di, l.med_mfr_lot, l.med_serial, l.expiration_date,
               l.med_department_id
          FROM stock_lot l
          JOIN product_product p ON p.id = l.product_id
          JOIN product_template t ON t.id = p.product_tmpl_id
         WHERE l.med_state = %s AND t.tracking = 'serial' AND l.med_serial IS NOT NULL
           AND l.med_di LIKE '0950600%%'
           AND l.expiration_date > now() + interval '90 days'
           AND NOT (l.id = ANY(%s))
           AND NOT EXISTS (SELECT 1 FROM med_recall_line r WHERE r.lot_id = l.id)
           AND NOT EXISTS (SELECT 1 FROM stock_quant q WHERE q.lot_id = l.id
                            AND q.reserved_quantity > 0)
           {extra}
         ORDER BY hashint4(l.id)
         LIMIT %s
    """,
        [state, list(exclude), limit],
    )
    return [[row[0], _code(row), row[5] or False] for row in env.cr.fetchall()]


def build(env, out_path, clients, stamp, stock_units=1500, issued_units=600):
    fixed = fix_identifiers(env)
    company = env.company
    warehouse = company._med_warehouse()
    scanners = [
        _user(env, f"load_scan_{index:02d}", SCANNER_GROUPS) for index in range(max(2, clients))
    ]
    manager = _user(env, "load_manager", MANAGER_GROUPS)
    Departments = env["hr.department"]
    wards = Departments.search(
        [("med_is_device_department", "=", True), ("name", "like", "Ward 0")],
        order="name",
        limit=CLIENT_WARDS,
    )
    # what a consignor posts: orders of the generated lot-tracked devices, found by their
    # internal reference
    lot_products = env["product.product"].search(
        [("default_code", "like", "BD0"), ("tracking", "=", "lot")], order="default_code"
    )
    serial_product = env["product.product"].search(
        [("default_code", "like", "BD0"), ("tracking", "=", "serial")],
        order="default_code",
        limit=1,
    )
    supplier = env["res.partner"].search([("name", "like", "Device Supplier")], limit=1)
    keys, backends = {}, {}
    expiry = datetime.datetime.now() + datetime.timedelta(hours=20)
    for index in range(1, CONSIGNORS + 1):
        code = f"LOADC{index}"
        api_user = _user(
            env, f"load_consignor_{index}", ["med_consignor_edi.group_edi_consignor_api"]
        )
        backend = env["med.edi.backend"].search([("consignor_code", "=", code)], limit=1)
        if not backend:
            partner = env["res.partner"].create(
                {"name": f"Load consignor {index}", "is_company": True, "ref": code}
            )
            backend = env["med.edi.backend"].create(
                {
                    "name": f"Load consignor {index}",
                    "partner_id": partner.id,
                    "consignor_code": code,
                    "max_lines": 10_000,
                    "max_file_size": 20 * 1024 * 1024,
                }
            )
        backend.write({"api_user_id": api_user.id, "active": True})
        keys[code] = env["res.users.apikeys"].with_user(api_user)._generate(None, "load", expiry)
        backends[code] = backend.id
    # the units: in the main store, issued to the clients' wards, and kept for recalls
    stock = _units(
        env, "in_stock", stock_units, extra=f"AND l.location_id = {warehouse.lot_stock_id.id}"
    )
    issued = _units(
        env,
        "issued",
        issued_units,
        exclude=[u[0] for u in stock],
        extra=f"AND l.med_department_id = ANY(ARRAY{wards.ids or [0]}::int[])",
    )
    taken = [u[0] for u in stock + issued]
    recall_units = _units(env, "in_stock", 60, exclude=taken) + _units(
        env, "used", 120, exclude=taken
    )
    env.cr.commit()
    random.Random(stamp).shuffle(stock)
    scenario = {
        "db": env.cr.dbname,
        "stamp": stamp,
        "fixed_identifiers": fixed,
        "scanners": [
            {"login": user.login, "password": PASSWORD, "uid": user.id} for user in scanners
        ],
        "manager": {"login": manager.login, "password": PASSWORD, "uid": manager.id},
        "keys": keys,
        "backends": backends,
        "wards": wards.ids,
        "stock_location_id": warehouse.lot_stock_id.id,
        "stock": stock,
        "issued": issued,
        "recall_units": [[u[0], env["stock.lot"].browse(u[0]).name] for u in recall_units],
        "serial_product_id": serial_product.id,
        "serial_di": env["med.product.di"]
        .search([("product_id", "=", serial_product.id)], limit=1)
        .di,
        "supplier_id": supplier.id,
        "edi_product_codes": lot_products.mapped("default_code"),
    }
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(scenario, handle)
    return scenario
