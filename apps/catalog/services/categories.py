"""Categories: the tree's nodes, their materialised paths kept right when one moves."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.catalog import caching
from apps.catalog.models import (
    PATH_SEPARATOR,
    Category,
)


@transaction.atomic
def category_create(*, name: str, slug: str, parent: Category | None = None, position: int = 0) -> Category:
    return category_save(category=Category(name=name, slug=slug, parent=parent, position=position))


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Save a new or edited category, keeping ``path``/``depth`` of it and its whole subtree right.

    A category cannot move under itself or one of its descendants.
    """
    old_path = ""
    if category.pk:
        old_path = Category.objects.select_for_update().values_list("path", flat=True).get(pk=category.pk)
        if category.parent_id:
            parent_path = Category.objects.values_list("path", flat=True).get(pk=category.parent_id)
            if parent_path.startswith(old_path):
                raise ValidationError(
                    {"parent": _("카테고리를 자기 자신이나 하위 카테고리 아래로 옮길 수 없습니다.")}
                )
    category.full_clean(exclude=["path", "depth"])
    category.save()
    parent = Category.objects.get(pk=category.parent_id) if category.parent_id else None
    new_path = f"{parent.path if parent else PATH_SEPARATOR}{category.pk}{PATH_SEPARATOR}"
    if new_path != old_path:
        depth_change = new_path.count(PATH_SEPARATOR) - max(old_path.count(PATH_SEPARATOR), 1)
        descendants = (
            Category.objects.filter(path__startswith=old_path).exclude(pk=category.pk) if old_path else []
        )
        for descendant in descendants:
            descendant.path = new_path + descendant.path[len(old_path) :]
            descendant.depth += depth_change
            descendant.save(update_fields=["path", "depth"])
        category.path = new_path
        category.depth = new_path.count(PATH_SEPARATOR) - 2
        category.save(update_fields=["path", "depth"])
    caching.category_tree_changed()
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    """Delete an empty category; one with subcategories or products must be emptied first."""
    if category.children.exists() or category.products.exists():
        raise ValidationError(_("하위 카테고리나 상품이 있는 카테고리는 삭제할 수 없습니다."))
    category.delete()
    caching.category_tree_changed()
