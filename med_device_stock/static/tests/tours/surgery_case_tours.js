/** @odoo-module **/
/**
 * A surgery case from its booking to its close-out with the keyboard and the scanner
 * only (played by tests/test_surgery_case_tour.py): the buttons of the case through their
 * hotkeys (Alt + the letter Odoo shows when Alt is held), the units scanned into the scan
 * dialog as a keyboard-wedge scanner types them.
 */

import { registry } from "@web/core/registry";

/** The UDIs of the units made by the test (scan_station_tours.js, STATION_CODES). */
const CODES = {
    I3: `0106950000001016112501151730123121I3`,
    I4: `0106950000001016112501151730123121I4`,
};

function hotkey(letter, content) {
    return { content, trigger: ".o_form_view .o_form_statusbar", run: `press alt+${letter}` };
}

function scan(code, expected) {
    return [
        {
            content: `scan ${code}`,
            trigger: ".modal div[name=barcode] input",
            run: `edit ${CODES[code]}`,
        },
        { content: "Scan (Alt+Q)", trigger: ".modal div[name=barcode] input", run: "press alt+q" },
        {
            content: `${code}: ${expected}`,
            trigger: `.modal div[name=log_html] p.text-success:contains(${code}):contains(${expected})`,
        },
    ];
}

const closeDialog = [
    { content: "close the scan dialog (Escape)", trigger: ".modal", run: "press Escape" },
    { content: "back on the case", trigger: "body:not(:has(.modal)) .o_form_view" },
];

registry.category("web_tour.tours").add("med_surgery_case_keyboard", {
    steps: () => [
        {
            content: "the case booked by the HIS is planned",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Planned)",
        },
        hotkey("t", "Start Surgery (Alt+T)"),
        {
            content: "in progress",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(In Progress)",
        },
        hotkey("l", "Scan Units (Alt+L)"),
        ...scan("I3", "added to"),
        ...scan("I4", "added to"),
        ...closeDialog,
        hotkey("i", "Scan Used Units (Alt+I)"),
        ...scan("I3", "implanted"),
        ...closeDialog,
        hotkey("e", "Rest Unused (Alt+E)"),
        {
            content: "I4 unused",
            trigger: ".o_field_one2many .o_data_row:contains(I4):contains(Unused)",
        },
        {
            content: "I3 implanted",
            trigger: ".o_field_one2many .o_data_row:contains(I3):contains(Implanted)",
        },
        hotkey("o", "Close Out (Alt+O)"),
        {
            content: "the confirmation's Ok has the focus",
            trigger: ".modal-footer .btn-primary",
            run() {
                this.anchor.focus();
            },
        },
        { content: "confirm (Enter)", trigger: ".modal-footer .btn-primary", run: "press Enter" },
        {
            content: "closed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Closed)",
        },
    ],
});
