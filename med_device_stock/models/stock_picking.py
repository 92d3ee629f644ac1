from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _message_compute_author(self, author_id=None, email_from=None, raise_on_email=True):
        """Odoo posts on a transfer as the user validating it (a backorder created, a
        receipt's note) and refuses to when that user has no email address ("Unable to
        send message, please configure the sender's email address"): many hospital
        users have none, and a partial receipt could then not be validated.  Such a
        user stays the message's author; it is sent from the company's address (or the
        mail server's default sender)."""
        if author_id is None and email_from is None and not self.env.user.email:
            return self.env.user.partner_id.id, self.env.company.email_formatted or False
        return super()._message_compute_author(
            author_id=author_id, email_from=email_from, raise_on_email=raise_on_email
        )
