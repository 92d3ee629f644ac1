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

/** The nurse asks the store for two stents for a planned case (played by
 * tests/test_surgery_case_tour.py, test_devices_asked_of_the_store). */
registry.category("web_tour.tours").add("med_surgery_case_store_request", {
    steps: () => [
        {
            content: "the devices asked of the store",
            trigger: ".o_notebook a[name=store_request]",
            run: "click",
        },
        {
            content: "add a line",
            trigger: "div[name=request_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "the device",
            trigger: "div[name=request_ids] .o_data_row div[name=product_id] input",
            run: "edit Tour Stent",
        },
        { content: "pick it", trigger: ".o-autocomplete--dropdown-item:contains(Tour Stent)", run: "click" },
        {
            content: "two of them",
            trigger: "div[name=request_ids] .o_data_row div[name=quantity] input",
            run: "edit 2",
        },
        {
            content: "the size for the store",
            trigger: "div[name=request_ids] .o_data_row div[name=note] input",
            run: "edit 3.0×18",
        },
        { content: "save (Alt+S)", trigger: ".o_form_view .o_form_statusbar", run: "press alt+s" },
        { content: "saved", trigger: ".o_form_view .o_form_saved" },
        hotkey("r", "Request from Store (Alt+R)"),
        {
            content: "the request went to the store",
            trigger: ".oe_stat_button:contains(Store Issues)",
        },
        {
            content: "nothing more to ask: the button is gone",
            trigger: ".o_form_statusbar:not(:has(button[name=action_request_from_store]))",
        },
    ],
});

/** The storekeeper reserves the two stents by scanning them into the case's request,
 * then issues them to the operating room. */
registry.category("web_tour.tours").add("med_surgery_case_store_issue", {
    steps: () => [
        {
            content: "what the case asked for",
            trigger: "div[name=surgery_request_ids] .o_data_row:contains(Tour Stent):contains(3.0×18)",
        },
        {
            content: "Scan Units",
            trigger: ".o_form_statusbar button[name=action_open_scan_wizard]",
            run: "click",
        },
        ...scan("I3", "added to"),
        ...scan("I4", "added to"),
        ...closeDialog,
        {
            content: "reserved for the case",
            trigger: "div[name=surgery_request_ids] .o_data_row:contains(Tour Stent) td[name=reserved_qty]:contains(2.00)",
        },
        {
            content: "Validate",
            trigger: ".o_form_statusbar button[name=action_done]",
            run: "click",
        },
        {
            content: "issued",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
    ],
});
