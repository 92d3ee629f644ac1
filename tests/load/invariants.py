"""What must hold after a load run, checked with SQL on the database (and the audit
trail's own verification).  Each check returns its offending rows (empty: it holds).

``since`` is the database's time at the start of the run: the scans and files of the
run are the ones recorded since.
"""

#: name, what it means, SQL (parameter ``since``) returning the offending rows
CHECKS = [
    (
        "scan: one event, one move",
        "every accepted scan of the station that moves a unit (issue, use, return) has "
        "exactly one event of the unit for its document, and that event's stock move line "
        "is done, of that unit",
        """
        SELECT r.id AS request, r.operation, r.lot_id, r.res_model, r.res_id,
               COUNT(e.id) AS events,
               COUNT(ml.id) FILTER (WHERE ml.state = 'done' AND ml.lot_id = r.lot_id)
                   AS done_moves
          FROM med_scan_request r
          LEFT JOIN med_unit_event e
                 ON e.lot_id = r.lot_id AND e.res_model = r.res_model AND e.res_id = r.res_id
          LEFT JOIN stock_move_line ml ON ml.id = e.move_line_id
         WHERE r.create_date >= %(since)s AND r.state = 'done'
           AND r.operation IN ('issue', 'use', 'return')
         GROUP BY r.id
        HAVING COUNT(e.id) != 1
            OR COUNT(ml.id) FILTER (WHERE ml.state = 'done' AND ml.lot_id = r.lot_id) != 1
        """,
    ),
    (
        "receipt: one event, one move",
        "every unit accepted at receipt whose receipt check is done has exactly one "
        "receipt event and one done incoming move line; one whose check is not done has "
        "none",
        """
        SELECT r.id AS request, r.lot_id, c.state AS check_state,
               (SELECT COUNT(*) FROM med_unit_event e
                 WHERE e.lot_id = r.lot_id AND e.event_type = 'receipt') AS events,
               (SELECT COUNT(*) FROM stock_move_line ml
                  JOIN stock_location l ON l.id = ml.location_id
                 WHERE ml.lot_id = r.lot_id AND ml.state = 'done'
                   AND l.usage = 'supplier') AS done_moves
          FROM med_scan_request r
          JOIN med_receipt_check c ON c.id = r.res_id
         WHERE r.create_date >= %(since)s AND r.state = 'done'
           AND r.operation = 'receipt' AND r.res_model = 'med.receipt.check'
           AND ((c.state = 'done' AND (
                    (SELECT COUNT(*) FROM med_unit_event e
                      WHERE e.lot_id = r.lot_id AND e.event_type = 'receipt') != 1
                 OR (SELECT COUNT(*) FROM stock_move_line ml
                       JOIN stock_location l ON l.id = ml.location_id
                      WHERE ml.lot_id = r.lot_id AND ml.state = 'done'
                        AND l.usage = 'supplier') != 1))
             OR (c.state != 'done' AND EXISTS (
                    SELECT 1 FROM med_unit_event e
                     WHERE e.lot_id = r.lot_id AND e.event_type = 'receipt')))
        """,
    ),
    (
        "move: one event",
        "every stock move line done since the run started, of a unit a station scanned, "
        "has exactly one event in the unit's timeline (no move without its event, none "
        "recorded twice)",
        """
        SELECT ml.id AS move_line, ml.lot_id, ml.date, COUNT(e.id) AS events
          FROM stock_move_line ml
          LEFT JOIN med_unit_event e ON e.move_line_id = ml.id
         WHERE ml.state = 'done' AND ml.date >= %(since)s
           AND ml.lot_id IN (SELECT lot_id FROM med_scan_request
                              WHERE create_date >= %(since)s AND lot_id IS NOT NULL)
         GROUP BY ml.id
        HAVING COUNT(e.id) != 1
        """,
    ),
    (
        "one answer per key",
        "every scan request the station sent is answered once: none left received (a "
        "request whose transaction was lost is rolled back with it, never half-recorded)",
        """
        SELECT id AS request, user_id, key, operation, state
          FROM med_scan_request
         WHERE create_date >= %(since)s AND state NOT IN ('done', 'refused')
        """,
    ),
    (
        "no negative internal quant",
        "no product, unit and internal location whose stock sums below zero (the whole "
        "database; Odoo may split a unit's quant in two rows under contention, +1 and -1, "
        "merged later: the sum is what counts)",
        """
        SELECT q.product_id, q.lot_id, q.location_id, SUM(q.quantity) AS quantity,
               array_agg(q.id) AS quants
          FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
         WHERE l.usage = 'internal'
         GROUP BY q.product_id, q.lot_id, q.location_id
        HAVING SUM(q.quantity) < 0
        """,
    ),
    (
        "no unit in two places",
        "no serial unit with stock in two locations, or more than one piece of it "
        "(internal and transit locations, quants summed per location; the whole database)",
        """
        SELECT lot_id, COUNT(*) AS places, SUM(quantity) AS quantity,
               array_agg(location_id) AS locations
          FROM (SELECT q.lot_id, q.location_id, SUM(q.quantity) AS quantity
                  FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                  JOIN product_product p ON p.id = q.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
                 WHERE t.tracking = 'serial' AND l.usage IN ('internal', 'transit')
                 GROUP BY q.lot_id, q.location_id
                HAVING SUM(q.quantity) > 0) placed
         GROUP BY lot_id
        HAVING COUNT(*) > 1 OR SUM(quantity) > 1
        """,
    ),
    (
        "file stored once",
        "every file a consignor posted since the run started is stored once: its exchange "
        "has its file, and exactly one attachment is that exchange's (a file the file "
        "store refused is kept as a refused exchange without file, problem not_stored)",
        """
        SELECT x.id AS exchange, x.state, x.attachment_id,
               (SELECT COUNT(*) FROM ir_attachment a
                 WHERE a.res_model = 'med.edi.exchange' AND a.res_id = x.id) AS attachments
          FROM med_edi_exchange x
         WHERE x.direction = 'in' AND x.channel = 'http' AND x.create_date >= %(since)s
           AND NOT (x.state = 'error' AND x.attachment_id IS NULL AND EXISTS (
                    SELECT 1 FROM med_edi_problem p
                     WHERE p.exchange_id = x.id AND p.code = 'not_stored'))
           AND (x.attachment_id IS NULL
                OR (SELECT COUNT(*) FROM ir_attachment a
                     WHERE a.res_model = 'med.edi.exchange' AND a.res_id = x.id) != 1)
        """,
    ),
    (
        "file processed once",
        "every file is processed (none left received once the queue is drained), a file "
        "sent again is kept as a duplicate, and each message made exactly one purchase "
        "order",
        """
        SELECT x.id AS exchange, x.state, x.message_ident,
               (SELECT COUNT(*) FROM purchase_order po
                 WHERE po.partner_ref = 'PO-' || x.message_ident) AS orders
          FROM med_edi_exchange x
         WHERE x.direction = 'in' AND x.channel = 'http' AND x.create_date >= %(since)s
           AND (x.state IN ('received', 'validated')
                OR (x.state = 'processed' AND (
                       x.res_model IS DISTINCT FROM 'purchase.order'
                    OR (SELECT COUNT(*) FROM purchase_order po
                         WHERE po.partner_ref = 'PO-' || x.message_ident) != 1
                    OR (SELECT COUNT(*) FROM med_edi_exchange y
                         WHERE y.backend_id = x.backend_id AND y.state = 'processed'
                           AND y.message_ident = x.message_ident) != 1)))
        """,
    ),
]


def check(cursor, since):
    """[(name, meaning, offending rows, column names)] of every SQL check."""
    results = []
    for name, meaning, sql in CHECKS:
        cursor.execute(sql, {"since": since})
        columns = [column.name for column in cursor.description]
        results.append((name, meaning, cursor.fetchall(), columns))
    return results


def check_posted(cursor, since, exchanges):
    """The files the consignors posted against the exchanges recorded: each answer named
    an exchange of its own, and every exchange recorded since the start was answered to
    a consignor (none made twice, none lost)."""
    answered = [row[0] for row in exchanges if row[0]]
    rows = []
    duplicates = {i for i in answered if answered.count(i) > 1}
    rows += [("answered twice", i) for i in sorted(duplicates)]
    cursor.execute(
        "SELECT id FROM med_edi_exchange WHERE direction = 'in' AND channel = 'http' "
        "AND create_date >= %s",
        [since],
    )
    recorded = {row[0] for row in cursor.fetchall()}
    rows += [("recorded, never answered", i) for i in sorted(recorded - set(answered))]
    rows += [("answered, not recorded", i) for i in sorted(set(answered) - recorded)]
    return (
        "files answered once",
        "each file posted was answered with an exchange of its own, and every exchange "
        "recorded was answered to its consignor (a file the file store refused is "
        "answered 503 with its refused exchange, then sent again)",
        rows,
        ["problem", "exchange"],
    )
