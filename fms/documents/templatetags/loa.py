"""The Documents panel of the case page: a case's LOA versions as the reader may see them."""

from django import template

from fms.documents import selectors
from fms.documents.services import washington_today

register = template.Library()


@register.inclusion_tag("documents/_panel.html", takes_context=True)
def documents_panel(context, case):
    documents = list(selectors.documents_for(context["request"].user, case))
    today = washington_today()
    for document in documents:
        document.days_left = (document.open_until - today).days if document.status == "offered" else None
    return {"case": case, "documents": documents}
