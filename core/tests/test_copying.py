"""``core.copying``: a model instance built from its fields in order, or from a row read;
rows sent by COPY."""

from django.contrib.auth import get_user_model

from core.copying import copy_values, loaded, new_instance


def test_a_new_instance_has_the_values_given_and_the_defaults_of_the_rest():
    user = get_user_model()
    built = new_instance(user, {"username": "clerk1", "first_name": "张"})
    assert (built.username, built.first_name, built.last_name) == ("clerk1", "张", "")
    assert built.is_active is True and built.is_staff is False  # the model's defaults
    assert built.pk is None and built._state.adding


def test_rows_sent_by_copy_values_read_back_with_the_values_given_and_the_defaults(db):
    """``copy_values``: rows as values by attribute name, no instance; the ids it
    returns are those of the rows, in the order given; keys that are no field
    are ignored."""
    user = get_user_model()
    rows = [
        {"username": "clerk1", "first_name": "张", "password": "!", "not_a_field": 1},
        {"username": "clerk2", "first_name": "李", "password": "!"},
    ]
    ids = copy_values(user, rows)
    read = {u.pk: u for u in user.objects.filter(pk__in=ids)}
    assert [read[pk].username for pk in ids] == ["clerk1", "clerk2"]
    assert [read[pk].first_name for pk in ids] == ["张", "李"]
    assert all(read[pk].is_active and not read[pk].is_staff for pk in ids)  # defaults
    assert all(read[pk].date_joined is not None for pk in ids)


def test_an_instance_loaded_from_a_row_reads_the_other_fields_when_asked(db):
    """``loaded``: the fields given as read, the instance a saved one, and a field
    not given read from the database when asked for, as Django's deferred fields."""
    user = get_user_model()
    stored = user.objects.create(username="clerk1", first_name="张", last_name="伟")
    row = user.objects.filter(pk=stored.pk).values_list("id", "username").get()
    made = loaded(user, ("id", "username"), row)
    assert (made.pk, made.username) == (stored.pk, "clerk1")
    assert not made._state.adding and "first_name" in made.get_deferred_fields()
    assert made.last_name == "伟"  # read when asked for
    assert made == stored


def test_no_model_that_loaded_builds_has_init_receivers():
    """``loaded`` skips ``Model.__init__`` and so its ``pre_init`` / ``post_init``
    signals: the models a file's check builds with it must have no receiver of
    either (one added later would be skipped silently there)."""
    from django.db.models.signals import post_init, pre_init

    from accounts.models import EnrolmentPeriod, InsuredPerson, PersonalAccount, SharingAgreement

    built = (InsuredPerson, PersonalAccount, EnrolmentPeriod, SharingAgreement)
    assert [m for m in built if pre_init.has_listeners(m) or post_init.has_listeners(m)] == []
