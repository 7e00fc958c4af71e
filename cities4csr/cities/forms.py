from django import forms
from django.utils.translation import gettext_lazy as _


class MapChoiceForm(forms.Form):
    """Which areas to draw and which indicator to shade them by (GET parameters of the city home)."""

    kind = forms.ChoiceField(label=_("Areas"), required=False)
    indicator = forms.ChoiceField(label=_("Shade by"), required=False)

    def __init__(self, *args, layers, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(layer.kind, layer.label) for layer in layers]
        self.fields["indicator"].choices = [("", _("Nothing"))] + [(i.key, i.label) for i in indicators]
