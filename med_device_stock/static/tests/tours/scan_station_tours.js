/** @odoo-module **/
/**
 * Tours of the scan station (played by tests/test_scan_station_tour.py, which makes
 * the units whose UDIs are written here).  Scans are typed as a keyboard-wedge scanner
 * types them: every character then Enter, as keydown events, at once, into Odoo's
 * barcode service; the next scan follows without a click.
 */

import { registry } from "@web/core/registry";

/** The UDIs of the units made by the test (GTIN, serial, expiry 2030-12-31, made 2025-01-15). */
export const STATION_CODES = {
    R1: `0106950000001016112501151730123121R1`,
    R2: `0106950000001016112501151730123121R2`,
    I1: `0106950000001016112501151730123121I1`,
    I2: `0106950000001016112501151730123121I2`,
    I3: `0106950000001016112501151730123121I3`,
    I4: `0106950000001016112501151730123121I4`,
    U1: `0106950000001016112501151730123121U1`,
    C1: `0106950000001016112501151730123121C1`,
};

/** A unit of a DI no product has, which the NMPA sample of the UDI database lists. */
const UDI_DB_CODE = `01069700000000171730123121UDIDB1`;

function wedge(code, content) {
    return {
        content: content || `scan ${code}`,
        trigger: ".o_med_station",
        run() {
            if (document.activeElement && document.activeElement !== document.body) {
                document.activeElement.blur();
            }
            for (const key of [...code, "Enter"]) {
                document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
            }
        },
    };
}

/**
 * A scan typed into a text field of the mode (the user scanned without leaving it):
 * each character as a key press that types it, at scanner speed, then Enter.
 */
function wedgeInto(field, code) {
    return {
        content: `scan ${code} while in ${field}`,
        trigger: `.o_med_station input[name="${field}"]`,
        run() {
            const input = this.anchor;
            input.focus();
            input.setSelectionRange(input.value.length, input.value.length);
            for (const key of code) {
                input.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
                input.value += key;
                input.dispatchEvent(new Event("input", { bubbles: true }));
            }
            input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
        },
    };
}

/**
 * The page as laid out: every mode button shown whole (the page scrolls as a whole, its
 * parts keep their height) and nothing wider than the screen.
 */
function layoutFits() {
    return {
        content: "the modes are shown whole and the page fits the screen's width",
        trigger: ".o_med_station_mode",
        run() {
            const station = document.querySelector(".o_med_station");
            const nav = document.querySelector(".o_med_station_modes");
            const button = this.anchor.getBoundingClientRect();
            const bar = nav.getBoundingClientRect();
            if (button.top < bar.top || button.bottom > bar.bottom + 1) {
                throw new Error(`mode buttons cut: bar ${bar.height}px, button ${button.height}px`);
            }
            if (station.scrollWidth > station.clientWidth + 1) {
                throw new Error(`the page is ${station.scrollWidth}px wide on a ${station.clientWidth}px screen`);
            }
        },
    };
}

/**
 * A scan while the focus is on a choice of the mode (a select just chosen): the keys
 * reach the barcode service and none is applied to the select (no type-ahead).
 */
function wedgeOnSelect(field, code) {
    return {
        content: `scan ${code} while ${field} has the focus`,
        trigger: `.o_med_station select[name="${field}"]`,
        run() {
            const select = this.anchor;
            const before = select.value;
            select.focus();
            for (const key of [...code, "Enter"]) {
                const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
                select.dispatchEvent(event);
                if (key !== "Enter" && !event.defaultPrevented) {
                    throw new Error(`the key ${key} would pick an option of ${field}`);
                }
            }
            if (select.value !== before) {
                throw new Error(`${field} changed from ${before} to ${select.value}`);
            }
        },
    };
}

function mode(name) {
    return {
        content: `mode ${name}`,
        trigger: `.o_med_station_mode[data-operation="${name}"]`,
        run: "click",
    };
}

function choose(field, label) {
    return {
        content: `${field}: ${label}`,
        trigger: `.o_med_station select[name="${field}"]`,
        run() {
            const select = this.anchor;
            const option = [...select.options].find((o) => o.text.trim() === label);
            if (!option) {
                throw new Error(`no option ${label} in ${field}`);
            }
            select.value = option.value;
            select.dispatchEvent(new Event("change"));
        },
    };
}

function fill(field, value) {
    return {
        content: `${field}: ${value}`,
        trigger: `.o_med_station input[name="${field}"]`,
        run() {
            this.anchor.value = value;
            this.anchor.dispatchEvent(new Event("change"));
        },
    };
}

function recorded(text) {
    return {
        content: `recorded: ${text}`,
        trigger: `.o_med_station_feedback.o_med_station_ok .o_med_station_message:contains("${text}")`,
    };
}

function refused(text) {
    return {
        content: `refused: ${text}`,
        trigger: `.o_med_station_feedback.o_med_station_refused .o_med_station_message:contains("${text}")`,
    };
}

function entries(count, status) {
    return {
        content: `${count} scans ${status}`,
        trigger: ".o_med_station_history",
        run() {
            const found = document.querySelectorAll(
                `.o_med_station_entry[data-status="${status}"]`
            ).length;
            if (found !== count) {
                throw new Error(`${found} scans ${status}, expected ${count}`);
            }
        },
    };
}

registry.category("web_tour.tours").add("med_station_storekeeper", {
    steps: () => [
        { trigger: ".o_med_station .o_med_station_online" },
        mode("receipt"),
        fill("certificate_number", "CoC-2026-118"),
        // the order scanned from its paper
        wedge("P-TOUR-01", "scan the purchase order"),
        { trigger: ".o_med_station_notice:contains('P-TOUR-01')" },
        wedge(STATION_CODES.R1),
        wedge(STATION_CODES.R2, "the next unit at once, without a click"),
        recorded("R2"),
        entries(2, "done"),
        mode("issue"),
        choose("department_id", "Tour Cardiology"),
        wedgeOnSelect("department_id", STATION_CODES.I1),
        recorded("issue done"),
        { trigger: ".o_med_station_unit .o_med_station_state:contains('Issued')" },
        { trigger: ".o_med_station_undo", run: "click" },
        { trigger: ".o_med_station_feedback .badge:contains('Undone by')" },
        wedge(STATION_CODES.U1, "a unit already issued"),
        refused("U1"),
        entries(3, "done"),
        entries(1, "refused"),
        layoutFits(),
    ],
});

registry.category("web_tour.tours").add("med_station_nurse", {
    steps: () => [
        { trigger: ".o_med_station .o_med_station_online" },
        {
            content: "the nurse is offered her operations only",
            trigger: ".o_med_station_modes",
            run() {
                const names = [...document.querySelectorAll(".o_med_station_mode")].map(
                    (b) => b.dataset.operation
                );
                if (names.join(",") !== "use,case,case_outcome,count,trace") {
                    throw new Error(`modes offered: ${names}`);
                }
            },
        },
        mode("use"),
        wedge(STATION_CODES.U1, "scan before the patient is given"),
        { trigger: ".o_med_station_notice:contains('Patient identifier')" },
        fill("patient_identifier", "MRN-TOUR-7"),
        fill("surgery_ref", "OR-3 CABG"),
        wedgeInto("surgery_ref", STATION_CODES.U1),
        recorded("use on patient done"),
        layoutFits(),
        {
            content: "the scan typed into the field left the field's text as it was",
            trigger: ".o_med_station input[name='surgery_ref']",
            run() {
                if (this.anchor.value !== "OR-3 CABG") {
                    throw new Error(`surgery field holds ${this.anchor.value}`);
                }
            },
        },
        { trigger: ".o_med_station_unit .o_med_station_state:contains('Used')" },
        mode("count"),
        {
            content: "the count in progress",
            trigger: ".o_med_station select[name='count_id']",
            run() {
                if (this.anchor.options.length < 2) {
                    throw new Error("no count offered");
                }
                this.anchor.value = this.anchor.options[1].value;
                this.anchor.dispatchEvent(new Event("change"));
            },
        },
        wedge(STATION_CODES.C1),
        recorded("counted on"),
    ],
});

/**
 * Offline: the server cannot be reached (every station_scan fails as a lost network;
 * the first one reaches the server but its answer is lost on the way back), three
 * scans wait in the browser, the page is reloaded, and once the server answers again
 * they are sent: the first is recorded once (a duplicate), the second is refused (the
 * unit was issued meanwhile) and listed to resolve, the third is recorded.
 */
registry.category("web_tour.tours").add("med_station_offline", {
    steps: () => [
        { trigger: ".o_med_station .o_med_station_online" },
        mode("issue"),
        choose("department_id", "Tour Cardiology"),
        {
            content: "the network goes away",
            trigger: ".o_med_station",
            run() {
                const send = XMLHttpRequest.prototype.send;
                let first = true;
                XMLHttpRequest.prototype.send = function (body) {
                    if (typeof body === "string" && body.includes('"station_scan"')) {
                        const fail = () => this.dispatchEvent(new ProgressEvent("error"));
                        if (first) {
                            // this one reaches the server; its answer is lost on the way back
                            first = false;
                            fetch("/web/dataset/call_kw/med.device.scan/station_scan", {
                                method: "POST",
                                headers: { "Content-Type": "application/json" },
                                body,
                            }).finally(fail);
                            return;
                        }
                        setTimeout(fail, 5);
                        return;
                    }
                    return send.call(this, body);
                };
            },
        },
        wedge(STATION_CODES.I2),
        { trigger: ".o_med_station_offline_badge" },
        wedge(STATION_CODES.I3, "issued by someone else meanwhile"),
        wedge(STATION_CODES.I4),
        entries(3, "pending"),
        { trigger: ".o_med_station_pending:contains('3')" },
        {
            content: "reload the page: nothing scanned is lost",
            trigger: ".o_med_station",
            run() {
                window.location.reload();
            },
        },
        { trigger: ".o_med_station .o_med_station_online", timeout: 20000 },
        { trigger: ".o_med_station_refusal:contains('I3')", timeout: 20000 },
        entries(2, "done"),
        entries(1, "refused"),
        { trigger: ".o_med_station_dismiss", run: "click" },
        {
            content: "the refusal is resolved",
            trigger: ".o_med_station:not(:has(.o_med_station_refusal))",
        },
    ],
});

/** A device manager's scan of a DI no product has, which the UDI database knows: the
 * station offers the record, creates the product and scans the unit again
 * (tests/test_scan_station_tour.py, test_manager_creates_a_product_from_the_udi_database). */
registry.category("web_tour.tours").add("med_station_udi_product", {
    steps: () => [
        mode("trace"),
        wedge(UDI_DB_CODE, "scan a unit whose DI no product has"),
        {
            content: "refused, with the UDI database's record",
            trigger: ".o_med_station_refused .o_med_station_udi_record:contains(冠状动脉药物洗脱支架系统)",
        },
        {
            content: "create the product and scan again",
            trigger: ".o_med_station_create_product",
            run: "click",
        },
        {
            content: "the product is created",
            trigger: ".o_med_station_notice:contains(created from the UDI database record 06970000000017)",
        },
        {
            content: "scanned again: the product is known now, the unit never received",
            trigger: ".o_med_station_refused .o_med_station_message:contains(never received)",
        },
        {
            content: "nothing more to create",
            trigger: ".o_med_station_feedback:not(:has(.o_med_station_create_product))",
        },
    ],
});
