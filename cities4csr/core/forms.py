"""What every page does with a service's answer: errors onto the form's fields, a transition's
outcome as a message."""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError

from cities4csr.core.lifecycle import TransitionRepeated


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: each field's messages under that field when the
    form has it, the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@contextmanager
def transition_messages(request):
    """Run a transition: a repeat (double click) is said plainly, a refusal shown as an error."""
    try:
        yield
    except TransitionRepeated as exc:
        messages.info(request, " ".join(exc.messages))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
