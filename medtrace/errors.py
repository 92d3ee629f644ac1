"""The one error type of medtrace, made to be translated by its callers.

Every error carries a stable ``code``, an English ``template`` with named
placeholders (``%(field)s``) and the ``params`` that fill it.  ``str(error)``
is the English message.  The Odoo addons translate an error with
``_(error.template, **error.params)``: every template is registered in a
module's ``MESSAGES`` dict and listed again as a literal in the addon that
shows it, so Odoo's translation export finds it.
"""


class MedtraceError(ValueError):
    """Base of every error medtrace raises on bad input."""

    #: code -> English template; each subclass's module fills its own dict.
    MESSAGES: dict = {}

    def __init__(self, code, **params):
        self.code = code
        self.template = self.MESSAGES[code]
        self.params = params
        super().__init__(self.template % params)

    def as_dict(self):
        return {"code": self.code, "message": str(self), "params": self.params}
