"""Back-office catalogue URLs under ``/catalog/`` (agency staff with permission)."""

app_name = "catalog"

urlpatterns: list = []
