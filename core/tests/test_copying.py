"""``core.copying.new_instance``: a model instance built from its fields in order."""

from django.contrib.auth import get_user_model

from core.copying import new_instance


def test_a_new_instance_has_the_values_given_and_the_defaults_of_the_rest():
    user = get_user_model()
    built = new_instance(user, {"username": "clerk1", "first_name": "张"})
    assert (built.username, built.first_name, built.last_name) == ("clerk1", "张", "")
    assert built.is_active is True and built.is_staff is False  # the model's defaults
    assert built.pk is None and built._state.adding
