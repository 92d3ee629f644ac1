"""Issue 12, items 3 and 7: the audit chain tampered with in the database, and change
requests decided by their own requester or used to read another company's data."""

import hashlib

import pytest
from rpc import RpcError

USER_ERROR = "odoo.exceptions.UserError"
ACCESS_ERROR = "odoo.exceptions.AccessError"


@pytest.fixture
def audit_backup(sql):
    """The audit trail and its head as they were: restored after the tamper."""
    sql.execute("DROP TABLE IF EXISTS atk_audit_log_copy")
    sql.execute("CREATE TABLE atk_audit_log_copy AS SELECT * FROM gsp_audit_log")
    sql.execute("DROP TABLE IF EXISTS atk_audit_chain_copy")
    sql.execute("CREATE TABLE atk_audit_chain_copy AS SELECT * FROM gsp_audit_chain")
    yield sql
    sql.execute("UPDATE gsp_audit_chain SET broken_entry_id = NULL")
    sql.execute("DELETE FROM gsp_audit_log")
    sql.execute("INSERT INTO gsp_audit_log SELECT * FROM atk_audit_log_copy")
    sql.execute("DELETE FROM gsp_audit_chain")
    sql.execute("INSERT INTO gsp_audit_chain SELECT * FROM atk_audit_chain_copy")
    sql.execute("DROP TABLE atk_audit_log_copy")
    sql.execute("DROP TABLE atk_audit_chain_copy")


def _verify(client):
    action = client("quality_officer").call("gsp.audit.log", "action_verify_chain")
    return action["params"]["type"], action["params"]["message"]


def _entries(sql):
    sql.execute("SELECT id, sequence FROM gsp_audit_log ORDER BY sequence")
    return sql.fetchall()


def test_intact_chain_is_reported_intact(client):
    kind, message = _verify(client)
    assert kind == "success", message


def test_edited_record_name_is_found_at_its_entry(client, audit_backup):
    entries = _entries(audit_backup)
    assert len(entries) > 5, "the demo writes an audit trail"
    entry_id, sequence = entries[len(entries) // 2]
    audit_backup.execute(
        "UPDATE gsp_audit_log SET res_name = 'Forged name' WHERE id = %s", [entry_id]
    )
    kind, message = _verify(client)
    assert kind == "danger", message
    assert str(sequence) in message, message


def test_deleted_tail_is_found(client, audit_backup):
    _verify(client)  # a verification of the intact chain anchors its head outside the database
    entries = _entries(audit_backup)
    last_two = [entry_id for entry_id, _sequence in entries[-2:]]
    audit_backup.execute("UPDATE gsp_audit_chain SET broken_entry_id = NULL")
    audit_backup.execute("DELETE FROM gsp_audit_log WHERE id = ANY(%s)", [last_two])
    # the attacker moves the head back too, so that log and head agree
    sequence = entries[-3][1]
    audit_backup.execute("SELECT hash FROM gsp_audit_log WHERE sequence = %s", [sequence])
    audit_backup.execute(
        "UPDATE gsp_audit_chain SET last_sequence = %s, last_hash = %s",
        [sequence, audit_backup.fetchone()[0]],
    )
    kind, message = _verify(client)
    assert kind == "danger", message
    assert str(entries[-2][1]) in message, message


def test_deleted_middle_entry_is_found_at_the_gap(client, audit_backup):
    entries = _entries(audit_backup)
    entry_id, sequence = entries[len(entries) // 2]
    audit_backup.execute("UPDATE gsp_audit_chain SET broken_entry_id = NULL")
    audit_backup.execute("DELETE FROM gsp_audit_log WHERE id = %s", [entry_id])
    kind, message = _verify(client)
    assert kind == "danger", message
    assert str(sequence) in message, message


def test_rehashed_chain_is_found(client, audit_backup):
    """The attacker edits an old value, then recomputes every hash after it: without the
    server's secret the hashes cannot be made right."""
    entries = _entries(audit_backup)
    entry_id, sequence = entries[1]
    audit_backup.execute("UPDATE gsp_audit_log SET new_value = 'forged' WHERE id = %s", [entry_id])
    audit_backup.execute(
        "SELECT id, prev_hash, sequence, model, res_id, res_name, operation, field_name, "
        "old_value, new_value, user_id, date, reason FROM gsp_audit_log ORDER BY sequence"
    )
    rows = audit_backup.fetchall()
    previous = rows[0][1]
    for row in rows:
        digest = hashlib.sha256((previous + repr(row[2:])).encode()).hexdigest()
        audit_backup.execute(
            "UPDATE gsp_audit_log SET prev_hash = %s, hash = %s WHERE id = %s",
            [previous, digest, row[0]],
        )
        previous = digest
    audit_backup.execute(
        "UPDATE gsp_audit_chain SET last_sequence = %s, last_hash = %s", [rows[-1][2], previous]
    )
    kind, message = _verify(client)
    assert kind == "danger", message


# --- 7. four eyes, and no value of a record the requester cannot read -------------------


def _field_id(admin, model, name):
    return admin.call("ir.model.fields", "search", [("model", "=", model), ("name", "=", name)])[0]


@pytest.mark.parametrize("role", ["quality_officer", "quality_manager"])
def test_nobody_approves_their_own_change_request(client, admin, scenario, refused, role):
    user = client(role)
    partner_id = admin.call(
        "res.partner", "create", {"name": f"Partner of {role}", "is_company": True}
    )
    request_id = user.call(
        "gsp.change.request",
        "create",
        {
            "res_model": "res.partner",
            "res_id": partner_id,
            "reason": "New street",
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "field_id": _field_id(admin, "res.partner", "street"),
                        "new_value": "1 Forged Road",
                    },
                )
            ],
        },
    )
    user.call("gsp.change.request", "action_submit", [request_id])
    refused(
        lambda: user.call("gsp.change.request", "action_approve", [request_id]),
        USER_ERROR,
        r"Four eyes.*cannot approve.*requested",
    )
    assert admin.read("res.partner", partner_id, ["street"])["street"] is False
    # another officer may
    client("quality_officer_2").call("gsp.change.request", "action_approve", [request_id])
    assert admin.read("res.partner", partner_id, ["street"])["street"] == "1 Forged Road"


def test_no_change_request_reads_another_companys_qualification(client, admin, scenario):
    user = client("plain")
    field_id = _field_id(admin, "gsp.qualification", "person_id_number")
    try:
        request_id = user.call(
            "gsp.change.request",
            "create",
            {
                "res_model": "gsp.qualification",
                "res_id": scenario["other_qualification_id"],
                "reason": "curious",
                "line_ids": [(0, 0, {"field_id": field_id, "new_value": "1"})],
            },
        )
        user.call("gsp.change.request", "action_submit", [request_id])
    except RpcError as error:
        assert error.name in (USER_ERROR, ACCESS_ERROR), error
        assert scenario["id_number"] not in error.message
        return
    lines = user.call(
        "gsp.change.request.line",
        "search_read",
        [("request_id", "=", request_id)],
        ["old_value", "old_display"],
    )
    assert all(
        scenario["id_number"] not in f"{line['old_value']}{line['old_display']}" for line in lines
    )
    pytest.fail("a change request was made for a record its requester cannot read")
