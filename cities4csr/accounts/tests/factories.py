"""People: a user with a verified e-mail address (allauth's), unless ``verified=False``."""

import factory
from allauth.account.models import EmailAddress

from cities4csr.accounts.models import User

PASSWORD = "factory-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@factory.test")
    first_name = factory.Sequence(lambda n: f"Person{n}")
    last_name = "Tester"
    preferred_language = "en"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(kwargs.pop("email"), PASSWORD, **kwargs)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """The address is verified unless ``UserFactory(verified=False)``."""
        if create:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=extracted is not False)
