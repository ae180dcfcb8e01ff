from datetime import timedelta

from django.utils import timezone

from apps.core.models import PolicyDocument


def policies_fresh(*, days_ago: int = 30) -> dict[str, PolicyDocument]:
    """Replace every policy document with version 1 of each kind, in force since ``days_ago`` days: what the data
    migration writes, without depending on it (a transactional test before this one empties the tables)."""
    PolicyDocument.objects.all().delete()
    return {
        kind: PolicyDocument.objects.create(
            kind=kind,
            version=1,
            title=f"TriMarket {label}",
            body=f"<h2>제1조</h2><p>{label} 첫 버전의 본문.</p>",
            effective_at=timezone.now() - timedelta(days=days_ago),
        )
        for kind, label in PolicyDocument.Kind.choices
    }


def policies_default() -> dict[str, PolicyDocument]:
    """Replace every policy document with the first versions the data migration writes (the real texts)."""
    import importlib

    from django.apps import apps

    PolicyDocument.objects.all().delete()
    importlib.import_module("apps.core.migrations.0003_policy_documents_first").create(apps, None)
    return {document.kind: document for document in PolicyDocument.objects.all()}
