"""Forms of volunteering: they parse (days in the page's language, times in the city's time zone)
and the services (``services.py``) enforce every rule."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from cities4csr.core.forms import LocaleDateField
from cities4csr.core.i18n import pick
from cities4csr.needs.models import Need, Theme
from cities4csr.organisations.models import Organisation

from .models import Activity, HoursEntry, Series


def _at(day: datetime.date, time: datetime.time, city) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(city.timezone))


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=80,
        help_text=_("Letters, digits and hyphens, e.g. repaint-the-school"),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices, widget=forms.RadioSelect)
    host = forms.ModelChoiceField(label=_("Host"), queryset=Organisation.objects.none(), empty_label=None)
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("For a company volunteering day: the company whose employees take part"),
    )
    need = forms.ModelChoiceField(label=_("Need it serves"), queryset=Need.objects.none(), required=False)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    family_friendly = forms.BooleanField(label=_("Families with children welcome"), required=False)
    minimum_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=0, max_value=120)
    accessibility = forms.CharField(label=_("Accessibility"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    safety_briefing = forms.CharField(
        label=_("Safety briefing"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    insurance_note = forms.CharField(label=_("Insurance"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reviewed = forms.BooleanField(label=_("The host reviews each registration"), required=False)
    waitlist = forms.BooleanField(label=_("Keep a waiting list when places run out"), required=False, initial=True)
    preparation_minutes = forms.IntegerField(
        label=_("Preparation time (minutes)"),
        min_value=0,
        max_value=24 * 60,
        initial=0,
        help_text=_("Added to each participant's hours"),
    )
    deadline = LocaleDateField(label=_("Deadline"), required=False, help_text=_("For a flexible task"))

    def __init__(self, *args, city, hosts, activity: Activity | None = None, **kwargs):
        if activity is not None and "initial" not in kwargs:
            # also with data: a disabled field (the short name) takes its value from the initial
            kwargs["initial"] = self.initial_of(activity, city)
        super().__init__(*args, **kwargs)
        self.city = city
        self.fields["host"].queryset = Organisation.objects.filter(city=city, pk__in=[o.pk for o in hosts]).order_by(
            "name", "pk"
        )
        self.fields["company"].queryset = Organisation.objects.filter(
            city=city, kind__in=[Organisation.Kind.COMPANY, Organisation.Kind.FOUNDATION]
        ).order_by("name", "pk")
        self.fields["need"].queryset = Need.objects.filter(
            city=city, state__in=[Need.State.PUBLISHED, Need.State.IN_PROGRESS]
        ).order_by("title", "pk")
        self.fields["themes"].queryset = Theme.objects.filter(city=city).order_by("key")
        self.fields["themes"].label_from_instance = lambda theme: pick(theme.names) or theme.key
        if activity is not None:
            self.fields["slug"].disabled = True

    @staticmethod
    def initial_of(activity: Activity, city) -> dict:
        deadline = activity.deadline
        return {
            **{
                name: getattr(activity, name)
                for name in (
                    "title",
                    "slug",
                    "description",
                    "kind",
                    "skills",
                    "place",
                    "lat",
                    "lon",
                    "family_friendly",
                    "minimum_age",
                    "accessibility",
                    "safety_briefing",
                    "insurance_note",
                    "reviewed",
                    "waitlist",
                    "preparation_minutes",
                )
            },
            "host": activity.host_id,
            "company": activity.company_id,
            "need": activity.need_id,
            "themes": list(activity.themes.all()),
            "deadline": timezone_day(deadline, city) if deadline else None,
        }

    def service_fields(self) -> dict:
        """The cleaned values as the services take them (the deadline at the end of its day)."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.fields or not self.fields[name].disabled
        }
        day = data.pop("deadline", None)
        data["deadline"] = _at(day, datetime.time(23, 59), self.city) if day else None
        data["themes"] = list(data.get("themes") or [])
        return data


def timezone_day(moment: datetime.datetime, city) -> datetime.date:
    return moment.astimezone(zoneinfo.ZoneInfo(city.timezone)).date()


class SlotForm(forms.Form):
    """A slot (or a series of them): the day, the times, the places."""

    day = LocaleDateField(label=_("Day"))
    starts = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    capacity = forms.IntegerField(label=_("Number of places"), min_value=1, max_value=10_000)
    frequency = forms.ChoiceField(
        label=_("Repeats"),
        choices=[("", _("Once"))] + list(Series.Frequency.choices),
        required=False,
    )
    count = forms.IntegerField(label=_("Number of times"), min_value=2, max_value=104, required=False)
    until = LocaleDateField(label=_("Until"), required=False)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("A slot ends after it starts."))
        if data.get("frequency") and not (data.get("count") or data.get("until")):
            self.add_error("count", _("Say how many times the slot repeats, or until when."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "starts_at": _at(data["day"], data["starts"], self.city),
            "ends_at": _at(data["day"], data["ends"], self.city),
            "capacity": data["capacity"],
        }
        if data.get("frequency"):
            kwargs.update(frequency=data["frequency"], count=data.get("count"), until=data.get("until"))
        return kwargs


class SignUpForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)
    birth_date = LocaleDateField(
        label=_("Date of birth"), required=False, help_text=_("Only when the activity has a minimum age")
    )
    note = forms.CharField(label=_("Note to the host"), max_length=500, required=False)


class TeamOpenForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)
    company = forms.ModelChoiceField(label=_("Company"), queryset=Organisation.objects.none(), empty_label=None)
    name = forms.CharField(label=_("Team name"), max_length=120)

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Organisation.objects.filter(pk__in=[c.pk for c in companies]).order_by(
            "name", "pk"
        )


class TeamJoinForm(forms.Form):
    birth_date = LocaleDateField(
        label=_("Date of birth"), required=False, help_text=_("Only when the activity has a minimum age")
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Activity.State.choices)
    reason = forms.CharField(max_length=500, required=False)


class HoursApproveForm(forms.Form):
    entries = forms.ModelMultipleChoiceField(queryset=HoursEntry.objects.none(), widget=forms.MultipleHiddenInput)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = entries
