"""Generate a hospital's device stock at scale, for the recall / alert / count benchmarks.

Not collected by pytest. Run with the venv's python against a dedicated database where
med_device_stock is installed without demo data:

    ./setup/devdb med_bench_scale med_device_stock
    $PY tests/benchmarks/gen_scale_data.py \
        -c ~/.local/share/medtrace/dev-med_bench_scale.conf -d med_bench_scale \
        [--units 200000] [--move-lines 1000000]

What it builds (set-based SQL through Odoo's cursor, ``INSERT ... SELECT
generate_series``; the few master records through the ORM):

- 10 device departments (one large operating theatre) with their sub-stores, 20
  suppliers, 100 device products (60 implantable, tracked by serial; 40 tracked by lot,
  10 pieces a lot) with their device identifier;
- ``--units`` units (stock.lot with their med fields and expiry); each has a life of 1 to 9
  done stock moves (receipt from its supplier, issues to and returns from a department,
  and possibly a last move to a patient, the supplier, scrap or quarantine), so about 5
  moves a unit: one stock.move and one stock.move.line per step, grouped in done
  pickings (one per kind of step, route and day);
- one med.unit.event per move line (the unit's timeline), a med.device.use for every unit
  used on a patient, a done borrow (med.device.issue) for every borrowed unit;
- the quants those moves leave (the unit at its last location, minus its quantity at
  the supplier's location, as Odoo keeps them);
- the stored computed fields of the units (med_state, med_location_id,
  med_department_id, location_id) computed with SQL from the last step, as the addon's
  compute does from the timeline (expired when the expiry has passed in stock, issued
  or borrowed).

Idempotent and resumable: every step commits and is recorded in the table
``med_bench_state``; running it again skips the steps done and redoes an interrupted
one. ``--units``/``--move-lines`` cannot change once units are generated.
"""

import argparse
import json
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

DEPARTMENTS = 10
SUPPLIERS = 20
PRODUCTS = 100
SERIAL_PRODUCTS = 60
LOT_QUANTITY = 10
#: share (per 100) of the units going to the large department (the operating theatre)
BIG_DEPARTMENT_SHARE = 27


def h(expr, salt, modulo):
    """A pseudo-random integer in [0, modulo) from ``expr`` (deterministic SQL)."""
    return f"mod(hashint4(({expr}) * 31 + {salt})::bigint + 2147483648, {modulo})"


class Generator:
    def __init__(self, env, units, move_lines):
        self.env = env
        self.cr = env.cr
        self.units = units
        self.move_lines = move_lines
        self.started = time.perf_counter()

    # ------------------------------------------------------------------ plumbing
    def log(self, message):
        print(f"[{time.perf_counter() - self.started:7.1f}s] {message}", flush=True)

    def state(self, key, default=None):
        self.cr.execute("SELECT value FROM med_bench_state WHERE key = %s", [key])
        row = self.cr.fetchone()
        return json.loads(row[0]) if row else default

    def set_state(self, key, value):
        self.cr.execute(
            """
            INSERT INTO med_bench_state (key, value) VALUES (%s, %s)
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
        """,
            [key, json.dumps(value)],
        )

    def step(self, name, function):
        if self.state(f"done:{name}"):
            self.log(f"{name}: already done")
            return
        start = time.perf_counter()
        rows = function()
        self.set_state(f"done:{name}", True)
        self.set_state(f"seconds:{name}", round(time.perf_counter() - start, 1))
        self.cr.commit()
        self.log(
            f"{name}: {rows if rows is not None else ''} rows, {time.perf_counter() - start:.1f}s"
        )

    def reserve_ids(self, table, count):
        """First id of ``count`` ids reserved in the table's sequence."""
        self.cr.execute(
            f"""
            SELECT setval('{table}_id_seq', GREATEST(
                (SELECT COALESCE(MAX(id), 0) FROM {table}),
                (SELECT last_value FROM {table}_id_seq)) + %s)
        """,
            [count],
        )
        return self.cr.fetchone()[0] - count + 1

    # ------------------------------------------------------------------ steps
    def run(self):
        self.cr.execute("""
            CREATE TABLE IF NOT EXISTS med_bench_state (key varchar PRIMARY KEY, value text)
        """)
        self.cr.commit()
        scale = self.state("scale")
        if scale and scale != [self.units, self.move_lines]:
            sys.exit(
                f"this database was generated with units, move lines = {scale}; "
                "use a new database for another scale"
            )
        self.set_state("scale", [self.units, self.move_lines])
        self.cr.commit()
        self.step("masters", self.masters)
        self.config = self.state("config")
        self.step("units", self.stage_units)
        self.step("steps", self.stage_steps)
        self.step("lots", self.insert_lots)
        self.step("pickings", self.insert_pickings)
        self.step("stock_moves", self.insert_moves)
        self.step("stock_move_lines", self.insert_move_lines)
        self.step("uses", self.insert_uses)
        self.step("borrows", self.insert_borrows)
        self.step("events", self.insert_events)
        self.step("quants", self.insert_quants)
        self.step("lot_state", self.compute_lot_state)
        self.step("analyze", self.analyze)
        self.report()
        self.check()

    def check(self, sample=500):
        """Recompute the stored fields of a sample of units with the addon's own compute
        (from their timeline) and Odoo's (single location): they must equal the SQL's."""
        fields = ("med_state", "med_location_id", "med_department_id", "location_id")
        self.cr.execute(
            "SELECT id FROM stock_lot WHERE med_state IS NOT NULL ORDER BY hashint4(id) LIMIT %s",
            [sample],
        )
        lots = self.env["stock.lot"].browse([row[0] for row in self.cr.fetchall()])
        stored = {lot.id: tuple(lot[name] for name in fields) for lot in lots}
        lots.invalidate_recordset()
        with self.env.protecting([lots._fields[name] for name in fields], lots):
            lots._compute_med_trace()
            lots._compute_single_location()
        wrong = [lot.name for lot in lots if stored[lot.id] != tuple(lot[n] for n in fields)]
        self.env.invalidate_all()
        self.cr.rollback()
        if wrong:
            sys.exit(
                f"check: {len(wrong)} of {len(lots)} units differ from the ORM's "
                f"compute, e.g. {wrong[:5]}"
            )
        self.log(
            f"check: the ORM computes the same {', '.join(fields)} on {len(lots)} "
            "units taken at random"
        )

    def masters(self):
        """Departments, suppliers, products and their identifiers through the ORM."""
        env = self.env
        company = env.company
        warehouse = company._med_warehouse()
        quarantine = company._med_quarantine_location()
        patient = company._med_patient_location()
        scrap = env["stock.location"].search(
            [("scrap_location", "=", True), ("company_id", "in", [company.id, False])], limit=1
        )
        supplier_location = env.ref("stock.stock_location_suppliers")
        departments = env["hr.department"].create(
            [
                {
                    "name": "Operating Theatre" if index == 0 else f"Ward {index:02d}",
                    "med_is_device_department": True,
                    "company_id": company.id,
                }
                for index in range(DEPARTMENTS)
            ]
        )
        suppliers = env["res.partner"].create(
            [
                {"name": f"Device Supplier {index:02d}", "is_company": True}
                for index in range(SUPPLIERS)
            ]
        )
        products = env["product.product"].create(
            [
                {
                    "name": f"Bench device {index:03d}",
                    "default_code": f"BD{index:03d}",
                    "is_storable": True,
                    "med_is_device": True,
                    "tracking": "serial" if index < SERIAL_PRODUCTS else "lot",
                    "med_implantable": index < SERIAL_PRODUCTS,
                    "med_device_class": "III" if index < SERIAL_PRODUCTS else "II",
                    "use_expiration_date": True,
                }
                for index in range(PRODUCTS)
            ]
        )
        env["med.product.di"].create(
            [
                {
                    "di": f"0950600{index:06d}0",
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "product_id": product.id,
                }
                for index, product in enumerate(products)
            ]
        )
        config = {
            "company": company.id,
            "user": env.ref("base.user_admin").id,
            "uom": env.ref("uom.product_uom_unit").id,
            "stock": warehouse.lot_stock_id.id,
            "supplier_location": supplier_location.id,
            "patient": patient.id,
            "quarantine": quarantine.id,
            "scrap": scrap.id,
            "in_type": warehouse.in_type_id.id,
            "out_type": warehouse.out_type_id.id,
            "int_type": warehouse.int_type_id.id,
            "departments": departments.ids,
            "department_locations": departments.mapped("med_location_id").ids,
            "suppliers": suppliers.ids,
            "products": products.ids,
            "dis": [f"0950600{index:06d}0" for index in range(PRODUCTS)],
        }
        env.flush_all()
        self.set_state("config", config)
        return DEPARTMENTS + SUPPLIERS + PRODUCTS

    def stage_units(self):
        """One row per unit: product, quantity, number of moves, last move, department."""
        c = self.config
        # the number of moves of unit i is k = 1 + i % 9 (5 on average); with fewer
        # move lines asked, the longest lives are cut
        average = self.move_lines / self.units
        max_k = max(1, min(9, round(2 * average - 1)))
        self.cr.execute("""
            CREATE TABLE med_bench_unit (
                i int PRIMARY KEY, lot_id int, product_id int, product_index int,
                serial bool, qty numeric, k int, last_kind varchar, dept int,
                dept_location int, supplier_id int, received timestamp, expiry timestamp,
                first_step int)
        """)
        product = h("i", 1, PRODUCTS)
        self.cr.execute(
            f"""
            INSERT INTO med_bench_unit (i, product_index, k, last_kind, dept, received,
                                        expiry)
            SELECT i, {product}, 1 + mod(i, {max_k}),
                   CASE WHEN 1 + mod(i, {max_k}) = 1 THEN 'receipt'
                        WHEN mod(1 + mod(i, {max_k}), 2) = 1 THEN
                            CASE WHEN {h("i", 2, 20)} < 10 THEN 'use' ELSE 'return' END
                        ELSE CASE {h("i", 2, 20)} WHEN 0 THEN 'return_supplier'
                                               WHEN 1 THEN 'scrap'
                                               WHEN 2 THEN 'quarantine'
                                               WHEN 3 THEN 'borrow'
                                               ELSE 'issue' END
                   END,
                   CASE WHEN {h("i", 5, 100)} < {BIG_DEPARTMENT_SHARE} THEN 0
                        ELSE 1 + {h("i", 6, DEPARTMENTS - 1)} END,
                   date_trunc('second', now() at time zone 'UTC')
                       - make_interval(secs => {h("i", 3, 730 * 86400)} + 3600),
                   NULL
              FROM generate_series(1, %(units)s) i
        """,
            {"units": self.units},
        )
        self.cr.execute(
            """
            UPDATE med_bench_unit u SET
                product_id = (%(products)s::int[])[u.product_index + 1],
                serial = u.product_index < %(serial_products)s,
                qty = CASE WHEN u.product_index < %(serial_products)s THEN 1 ELSE %(lot_qty)s END,
                supplier_id = (%(suppliers)s::int[])[mod(u.product_index, %(nsup)s) + 1],
                dept_location = (%(dept_locations)s::int[])[u.dept + 1],
                expiry = u.received + make_interval(days => 200 + mod(u.i * 7919, 900))
        """,
            {
                "products": c["products"],
                "serial_products": SERIAL_PRODUCTS,
                "lot_qty": LOT_QUANTITY,
                "suppliers": c["suppliers"],
                "nsup": SUPPLIERS,
                "dept_locations": c["department_locations"],
            },
        )
        # the first step number of each unit (steps are numbered unit after unit)
        self.cr.execute("ANALYZE med_bench_unit")
        self.cr.execute("""
            UPDATE med_bench_unit u SET first_step = s.first
              FROM (SELECT i, 1 + SUM(k) OVER (ORDER BY i) - k AS first
                      FROM med_bench_unit) s
             WHERE s.i = u.i
        """)
        return self.units

    def stage_steps(self):
        """One row per move: from where to where, when, what kind of step."""
        c = self.config
        self.cr.execute("""
            CREATE TABLE med_bench_step (
                sid int PRIMARY KEY, i int, j int, kind varchar, src int, dest int,
                date timestamp, department_id int, partner_id int, picking_key int)
        """)
        # one picking per kind of step, route (and supplier) and day: numbered with
        # dense_rank in the same pass
        self.cr.execute(
            """
            INSERT INTO med_bench_step (sid, i, j, kind, src, dest, date, department_id,
                                        partner_id, picking_key)
            SELECT t.*, dense_rank() OVER (
                       ORDER BY t.date::date, t.kind, t.src, t.dest, t.partner_id)
              FROM (
                SELECT u.first_step + j - 1, u.i, j, x.kind,
                       CASE WHEN j = 1 THEN %(supplier)s
                            WHEN mod(j, 2) = 0 THEN %(stock)s ELSE u.dept_location END AS src,
                       CASE x.kind WHEN 'receipt' THEN %(stock)s
                                   WHEN 'return' THEN %(stock)s
                                   WHEN 'use' THEN %(patient)s
                                   WHEN 'return_supplier' THEN %(supplier)s
                                   WHEN 'scrap' THEN %(scrap)s
                                   WHEN 'quarantine' THEN %(quarantine)s
                                   ELSE u.dept_location END AS dest,
                       u.received + (date_trunc('second', now() at time zone 'UTC')
                                     - u.received) * (j - 1) / u.k AS date,
                       CASE WHEN x.kind IN ('issue', 'borrow', 'use')
                            THEN (%(departments)s::int[])[u.dept + 1] END,
                       CASE WHEN x.kind IN ('receipt', 'return_supplier')
                            THEN u.supplier_id END AS partner_id
                  FROM med_bench_unit u
                 CROSS JOIN LATERAL generate_series(1, u.k) j
                 CROSS JOIN LATERAL (SELECT CASE
                        WHEN j = 1 THEN 'receipt'
                        WHEN j = u.k THEN u.last_kind
                        WHEN mod(j, 2) = 0 THEN 'issue' ELSE 'return' END AS kind) x
              ) t
        """,
            {
                "supplier": c["supplier_location"],
                "stock": c["stock"],
                "patient": c["patient"],
                "scrap": c["scrap"],
                "quarantine": c["quarantine"],
                "departments": c["departments"],
            },
        )
        rows = self.cr.rowcount
        self.cr.execute("CREATE INDEX ON med_bench_step (i)")
        self.cr.execute("ANALYZE med_bench_step")
        self.cr.execute("""
            CREATE TABLE med_bench_picking AS
            SELECT picking_key AS n, kind, src, dest, partner_id, MIN(date) AS date
              FROM med_bench_step
             GROUP BY picking_key, kind, src, dest, partner_id
        """)
        self.cr.execute("ALTER TABLE med_bench_picking ADD PRIMARY KEY (n)")
        self.cr.execute("ANALYZE med_bench_picking")
        return rows

    def insert_lots(self):
        c = self.config
        base = self.reserve_ids("stock_lot", self.units)
        self.cr.execute("UPDATE med_bench_unit SET lot_id = %s + i - 1", [base])
        self.cr.execute(
            """
            INSERT INTO stock_lot (
                id, name, product_id, product_uom_id, company_id, create_uid, write_uid,
                create_date, write_date, expiration_date, med_di, med_mfr_lot, med_serial,
                med_manufactured_date, med_supplier_id, med_quality_grade,
                product_expiry_reminded)
            SELECT u.lot_id,
                   CASE WHEN u.serial THEN 'SN' ELSE 'LT' END || lpad(u.i::text, 7, '0'),
                   u.product_id, %(uom)s, %(company)s, %(user)s, %(user)s, u.received,
                   u.received, u.expiry, (%(dis)s::varchar[])[u.product_index + 1],
                   CASE WHEN u.serial THEN 'ML' || lpad((u.i / 50)::text, 6, '0')
                        ELSE 'LT' || lpad(u.i::text, 7, '0') END,
                   CASE WHEN u.serial THEN 'SN' || lpad(u.i::text, 7, '0') END,
                   (u.received - interval '30 days')::date, u.supplier_id, 'qualified', false
              FROM med_bench_unit u
        """,
            {"uom": c["uom"], "company": c["company"], "user": c["user"], "dis": c["dis"]},
        )
        return self.cr.rowcount

    def insert_pickings(self):
        c = self.config
        self.cr.execute("SELECT COUNT(*) FROM med_bench_picking")
        count = self.cr.fetchone()[0]
        base = self.reserve_ids("stock_picking", count)
        self.cr.execute("ALTER TABLE med_bench_picking ADD COLUMN IF NOT EXISTS picking_id int")
        self.cr.execute("UPDATE med_bench_picking SET picking_id = %s + n - 1", [base])
        self.cr.execute(
            """
            INSERT INTO stock_picking (
                id, name, origin, location_id, location_dest_id, picking_type_id,
                partner_id, company_id, user_id, move_type, state, priority, scheduled_date,
                date, date_done, is_locked, printed, create_uid, write_uid, create_date,
                write_date)
            SELECT p.picking_id,
                   'BENCH/' || CASE WHEN p.kind = 'receipt' THEN 'IN'
                                    WHEN p.kind IN ('use', 'return_supplier') THEN 'OUT'
                                    ELSE 'INT' END || '/' || lpad(p.n::text, 7, '0'),
                   'bench', p.src, p.dest,
                   CASE WHEN p.kind = 'receipt' THEN %(in_type)s
                        WHEN p.kind IN ('use', 'return_supplier') THEN %(out_type)s
                        ELSE %(int_type)s END,
                   p.partner_id, %(company)s, %(user)s, 'direct', 'done', '0', p.date, p.date,
                   p.date, true, false, %(user)s, %(user)s, p.date, p.date
              FROM med_bench_picking p
        """,
            {
                "in_type": c["in_type"],
                "out_type": c["out_type"],
                "int_type": c["int_type"],
                "company": c["company"],
                "user": c["user"],
            },
        )
        return self.cr.rowcount

    def _chunks(self, name, insert):
        """Run ``insert(first_sid, last_sid)`` over the steps in committed chunks."""
        self.cr.execute("SELECT MAX(sid) FROM med_bench_step")
        last = self.cr.fetchone()[0]
        size = 250_000
        rows = 0
        for first in range(1, last + 1, size):
            key = f"chunk:{name}:{first}"
            if self.state(key):
                continue
            start = time.perf_counter()
            rows += insert(first, min(first + size - 1, last))
            self.set_state(key, True)
            self.cr.commit()
            self.log(
                f"  {name} steps {first}..{min(first + size - 1, last)}: "
                f"{time.perf_counter() - start:.1f}s"
            )
        return rows

    def _bases(self):
        bases = self.state("bases")
        if not bases:
            self.cr.execute("SELECT MAX(sid) FROM med_bench_step")
            count = self.cr.fetchone()[0]
            bases = {
                table: self.reserve_ids(table, count)
                for table in ("stock_move", "stock_move_line", "med_unit_event")
            }
            self.set_state("bases", bases)
            self.cr.commit()
        return bases

    def insert_moves(self):
        c = self.config
        base = self._bases()["stock_move"]

        def insert(first, last):
            self.cr.execute(
                """
                INSERT INTO stock_move (
                    id, name, sequence, company_id, product_id, product_uom, location_id,
                    location_dest_id, partner_id, picking_id, picking_type_id, state,
                    priority, origin, procure_method, reference, product_qty,
                    product_uom_qty, quantity, picked, scrapped, propagate_cancel,
                    is_inventory, additional, date, create_uid, write_uid, create_date,
                    write_date)
                SELECT %(base)s + s.sid - 1, 'bench', 10, %(company)s, u.product_id,
                       %(uom)s, s.src, s.dest, p.partner_id, p.picking_id,
                       sp.picking_type_id, 'done', '0', 'bench', 'make_to_stock', sp.name,
                       u.qty, u.qty, u.qty, true, s.kind = 'scrap', false, false, false,
                       s.date, %(user)s, %(user)s, s.date, s.date
                  FROM med_bench_step s
                  JOIN med_bench_unit u ON u.i = s.i
                  JOIN med_bench_picking p ON p.n = s.picking_key
                  JOIN stock_picking sp ON sp.id = p.picking_id
                 WHERE s.sid BETWEEN %(first)s AND %(last)s
            """,
                {
                    "base": base,
                    "company": c["company"],
                    "uom": c["uom"],
                    "user": c["user"],
                    "first": first,
                    "last": last,
                },
            )
            return self.cr.rowcount

        return self._chunks("stock_move", insert)

    def insert_move_lines(self):
        c = self.config
        bases = self._bases()

        def insert(first, last):
            self.cr.execute(
                """
                INSERT INTO stock_move_line (
                    id, picking_id, move_id, company_id, product_id, product_uom_id, lot_id,
                    location_id, location_dest_id, state, reference, quantity,
                    quantity_product_uom, picked, date, create_uid, write_uid, create_date,
                    write_date)
                SELECT %(ml)s + s.sid - 1, m.picking_id, m.id, m.company_id, m.product_id,
                       m.product_uom, u.lot_id, m.location_id, m.location_dest_id, 'done',
                       m.reference, m.quantity, m.quantity, true, m.date, %(user)s, %(user)s,
                       m.date, m.date
                  FROM med_bench_step s
                  JOIN med_bench_unit u ON u.i = s.i
                  JOIN stock_move m ON m.id = %(move)s + s.sid - 1
                 WHERE s.sid BETWEEN %(first)s AND %(last)s
            """,
                {
                    "ml": bases["stock_move_line"],
                    "move": bases["stock_move"],
                    "user": c["user"],
                    "first": first,
                    "last": last,
                },
            )
            return self.cr.rowcount

        return self._chunks("stock_move_line", insert)

    def insert_uses(self):
        """A done use record for every unit whose last move took it to a patient."""
        c = self.config
        self.cr.execute(
            """
            INSERT INTO med_device_use (
                name, company_id, user_id, lot_id, product_id, department_id, state,
                patient_identifier, encounter_ref, surgery_ref, med_implantable, date_use,
                date_done, quantity, create_uid, write_uid, create_date, write_date)
            SELECT 'BENCH/USE/' || lpad(u.i::text, 7, '0'), %(company)s, %(user)s, u.lot_id,
                   u.product_id, s.department_id, 'done',
                   'P' || lpad({patient}::text, 7, '0'), 'ENC' || u.i,
                   CASE WHEN u.serial THEN 'SURG' || u.i END, u.serial, s.date, s.date,
                   u.qty, %(user)s, %(user)s, s.date, s.date
              FROM med_bench_unit u
              JOIN med_bench_step s ON s.i = u.i AND s.j = u.k
             WHERE u.last_kind = 'use'
        """.format(patient=h("u.i", 7, 50000)),
            {"company": c["company"], "user": c["user"]},
        )
        return self.cr.rowcount

    def insert_borrows(self):
        """A done borrow (due back 14 days after) for every unit whose last move lent it."""
        c = self.config
        self.cr.execute(
            """
            WITH issues AS (
                INSERT INTO med_device_issue (
                    name, company_id, user_id, department_id, operation_type, state,
                    expected_return_date, date_done, create_uid, write_uid, create_date,
                    write_date)
                SELECT 'BENCH/BOR/' || lpad(u.i::text, 7, '0'), %(company)s, %(user)s,
                       s.department_id, 'borrow', 'done', (s.date + interval '14 days')::date,
                       s.date, %(user)s, %(user)s, s.date, s.date
                  FROM med_bench_unit u
                  JOIN med_bench_step s ON s.i = u.i AND s.j = u.k
                 WHERE u.last_kind = 'borrow'
                RETURNING id, name
            )
            INSERT INTO med_device_issue_line (
                issue_id, company_id, lot_id, product_id, quantity, create_uid, write_uid,
                create_date, write_date)
            SELECT i.id, %(company)s, u.lot_id, u.product_id, u.qty, %(user)s, %(user)s,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM issues i
              JOIN med_bench_unit u ON 'BENCH/BOR/' || lpad(u.i::text, 7, '0') = i.name
        """,
            {"company": c["company"], "user": c["user"]},
        )
        return self.cr.rowcount

    def insert_events(self):
        """The timeline: one event per move line, as the addon records them."""
        c = self.config
        bases = self._bases()

        def insert(first, last):
            self.cr.execute(
                """
                INSERT INTO med_unit_event (
                    id, lot_id, product_id, user_id, location_src_id, location_id,
                    department_id, partner_id, move_line_id, res_model, res_id, company_id,
                    event_type, date, quantity, create_uid, write_uid, create_date,
                    write_date)
                SELECT %(ev)s + s.sid - 1, u.lot_id, u.product_id, %(user)s, s.src, s.dest,
                       s.department_id,
                       CASE WHEN s.kind IN ('receipt', 'return_supplier') THEN u.supplier_id
                       END,
                       %(ml)s + s.sid - 1,
                       CASE WHEN s.kind = 'use' THEN 'med.device.use'
                            WHEN s.kind = 'borrow' THEN 'med.device.issue'
                            ELSE 'stock.picking' END,
                       COALESCE(du.id, di.id, p.picking_id), %(company)s, s.kind, s.date,
                       u.qty, %(user)s, %(user)s, s.date, s.date
                  FROM med_bench_step s
                  JOIN med_bench_unit u ON u.i = s.i
                  JOIN med_bench_picking p ON p.n = s.picking_key
                  LEFT JOIN med_device_use du ON s.kind = 'use' AND du.lot_id = u.lot_id
                  LEFT JOIN med_device_issue_line dl ON s.kind = 'borrow'
                                                    AND dl.lot_id = u.lot_id
                  LEFT JOIN med_device_issue di ON di.id = dl.issue_id
                 WHERE s.sid BETWEEN %(first)s AND %(last)s
            """,
                {
                    "ev": bases["med_unit_event"],
                    "ml": bases["stock_move_line"],
                    "user": c["user"],
                    "company": c["company"],
                    "first": first,
                    "last": last,
                },
            )
            return self.cr.rowcount

        return self._chunks("med_unit_event", insert)

    def insert_quants(self):
        """Each unit at its last location, and minus its quantity at the supplier's
        (unless it went back there), as Odoo's quants are after these moves."""
        c = self.config
        self.cr.execute(
            """
            INSERT INTO stock_quant (
                product_id, company_id, location_id, lot_id, quantity, reserved_quantity,
                in_date, inventory_quantity_set, create_uid, write_uid, create_date,
                write_date)
            SELECT u.product_id, %(company)s, s.dest, u.lot_id, u.qty, 0, s.date, false,
                   %(user)s, %(user)s, s.date, s.date
              FROM med_bench_unit u
              JOIN med_bench_step s ON s.i = u.i AND s.j = u.k
             WHERE u.last_kind != 'return_supplier'
            UNION ALL
            SELECT u.product_id, %(company)s, %(supplier)s, u.lot_id, -u.qty, 0, u.received,
                   false, %(user)s, %(user)s, u.received, u.received
              FROM med_bench_unit u
             WHERE u.last_kind != 'return_supplier'
        """,
            {"company": c["company"], "user": c["user"], "supplier": c["supplier_location"]},
        )
        return self.cr.rowcount

    def compute_lot_state(self):
        """The stored computed fields of the units, as the addon computes them from the
        last event of the timeline (and the expiry)."""
        self.cr.execute("""
            UPDATE stock_lot l SET
                med_state = CASE
                    WHEN x.state IN ('in_stock', 'issued', 'borrowed')
                         AND l.expiration_date <= now() at time zone 'UTC' THEN 'expired'
                    ELSE x.state END,
                med_location_id = s.dest,
                med_department_id = s.department_id,
                location_id = CASE WHEN u.last_kind != 'return_supplier' THEN s.dest END
              FROM med_bench_unit u
              JOIN med_bench_step s ON s.i = u.i AND s.j = u.k
             CROSS JOIN LATERAL (SELECT CASE s.kind
                    WHEN 'receipt' THEN 'in_stock' WHEN 'return' THEN 'in_stock'
                    WHEN 'issue' THEN 'issued' WHEN 'borrow' THEN 'borrowed'
                    WHEN 'use' THEN 'used' WHEN 'quarantine' THEN 'quarantined'
                    WHEN 'scrap' THEN 'scrapped' WHEN 'return_supplier' THEN 'returned_supplier'
                    END AS state) x
             WHERE l.id = u.lot_id
        """)
        return self.cr.rowcount

    def analyze(self):
        for table in (
            "stock_lot",
            "stock_quant",
            "stock_picking",
            "stock_move",
            "stock_move_line",
            "med_unit_event",
            "med_device_use",
            "med_device_issue",
            "med_device_issue_line",
        ):
            self.cr.execute(f"ANALYZE {table}")

    def report(self):
        counts = {}
        for table in (
            "stock_lot",
            "stock_quant",
            "stock_picking",
            "stock_move",
            "stock_move_line",
            "med_unit_event",
            "med_device_use",
            "med_device_issue",
        ):
            self.cr.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = self.cr.fetchone()[0]
        self.cr.execute("SELECT med_state, COUNT(*) FROM stock_lot GROUP BY 1 ORDER BY 2 DESC")
        counts["med_state"] = dict(self.cr.fetchall())
        self.set_state("counts", counts)
        self.cr.commit()
        self.log("database: " + json.dumps(counts))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument(
        "--move-lines",
        type=int,
        default=1_000_000,
        help="about 5 per unit at most (lives of 1 to 9 moves)",
    )
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Generator(env, args.units, args.move_lines).run()


if __name__ == "__main__":
    main()
