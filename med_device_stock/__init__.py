from . import controllers, models, report, wizard


def uninstall_hook(env):
    """Drop what ``init`` methods created outside Odoo's tables."""
    env.cr.execute("DROP FUNCTION IF EXISTS med_recall_impact(integer[])")
