"""The sign-in backend: Django's, with what every request asks of its user loaded
with the user row itself.

Each admin request reads the user, their sign-in state (``StaffProfile``: a
password change due) and their hall placement (the header's hall, the audit
context, the regional scope): one query with the user instead of three.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related(
            "staff_profile", "placement__hall__region"
        )
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
