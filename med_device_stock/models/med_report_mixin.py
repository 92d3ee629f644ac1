from odoo import _, api, fields, models
from odoo.tools import SQL


def sql_unit_cost(alias):
    """The unit cost of product ``pp`` in the company of row ``alias``: its standard
    price (a company-dependent jsonb column)."""
    return SQL(
        "COALESCE((pp.standard_price ->> %s::text)::numeric, 0.0)",
        SQL.identifier(alias, "company_id"),
    )


def sql_event_counts(alias):
    """Whether the timeline event ``alias`` counts in the reports and alerts: a done
    operation corrected by a correcting document and its reversal cancel out, so
    neither a "reversal" event nor the event it undid (``reversed_event_id``) counts.
    One anti-join on the indexed ``reversed_event_id``, whatever the number of rows."""
    return SQL(
        "(%(event)s.event_type != 'reversal' AND NOT EXISTS ("
        "SELECT 1 FROM med_unit_event rev WHERE rev.reversed_event_id = %(event)s.id))",
        event=SQL.identifier(alias),
    )


def sql_move_line_counts(alias):
    """Whether the stock move line ``alias`` counts in the reports: not one of a
    reversed operation or of its reversal (the events recording them give its id)."""
    return SQL(
        "NOT EXISTS (SELECT 1 FROM med_unit_event cancelled"
        " WHERE cancelled.move_line_id = %(line)s.id AND NOT %(counts)s)",
        line=SQL.identifier(alias),
        counts=sql_event_counts("cancelled"),
    )


class MedReportMixin(models.AbstractModel):
    """What the device reports share: read-only SQL views, ratio measures recomputed
    per group (a ratio of sums, never a sum of ratios) and the table the XLSX export
    writes, made of the same ``read_group`` as the pivot."""

    _name = "med.report.mixin"
    _description = "Medical Device Report"

    #: ratio measure -> (numerator, denominator, factor), recomputed in every group
    _med_ratios = {}

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        names = {spec.split(":")[0] for spec in fields}
        wanted = [ratio for ratio in self._med_ratios if ratio in names]
        fields = list(fields)
        for ratio in wanted:
            numerator, denominator, _factor = self._med_ratios[ratio]
            fields += [f"{name}:sum" for name in (numerator, denominator) if name not in names]
        groups = super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )
        for group in groups:
            for ratio in wanted:
                numerator, denominator, factor = self._med_ratios[ratio]
                den = group.get(denominator) or 0.0
                group[ratio] = factor * (group.get(numerator) or 0.0) / den if den else 0.0
        return groups

    @api.model
    def _med_group_label(self, group, spec):
        """How a group's value shows in the pivot's header (and the XLSX)."""
        name = spec.split(":")[0]
        value = group.get(spec, group.get(name))
        field = self._fields[name]
        if value is False or value is None:
            return _("None")
        if field.type == "many2one":
            return value[1]
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        return value

    @api.model
    def _med_table(self, domain, groupby, measures):
        """The report as a table: a header, one row per group (``read_group`` not lazy,
        as the pivot computes its cells) and the total row."""
        header = [self._fields[spec.split(":")[0]].string for spec in groupby]
        header += [
            self._fields[m.split(":")[0]].string if m != "__count" else _("Count") for m in measures
        ]
        fields = [m for m in measures if m != "__count"]
        rows = []
        for group in self.read_group(domain, fields, groupby, lazy=False):
            rows.append(
                [self._med_group_label(group, spec) for spec in groupby]
                + [
                    group["__count"] if m == "__count" else group.get(m.split(":")[0]) or 0.0
                    for m in measures
                ]
            )
        total = self.read_group(domain, fields, [], lazy=False)
        total_row = (
            [_("Total")]
            + [""] * (len(groupby) - 1)
            + [
                (total[0]["__count"] if m == "__count" else total[0].get(m.split(":")[0]) or 0.0)
                if total
                else 0.0
                for m in measures
            ]
        )
        return header, rows, total_row

    @api.model
    def _med_date_range_domain(self, date_from=None, date_to=None, field="date"):
        """The rows of the days from ``date_from`` to ``date_to`` included (either may be
        empty) on the date or datetime ``field``."""
        convert = (
            fields.Date.to_date
            if self._fields[field].type == "date"
            else fields.Datetime.to_datetime
        )
        domain = []
        if date_from:
            domain.append((field, ">=", convert(date_from)))
        if date_to:
            domain.append((field, "<", convert(fields.Date.add(date_to, days=1))))
        return domain
