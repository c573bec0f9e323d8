"""The registry of sources: every SourceSpider subclass found in crawlers.spiders, keyed by its source id."""

from __future__ import annotations

from functools import cache

from scrapy.utils import misc
from scrapy.utils.spider import iter_spider_classes

from pipeline.store import SourceInfo

from .spiders.base import SourceSpider

SPIDER_PACKAGE = "crawlers.spiders"


def spider_classes() -> dict[str, type[SourceSpider]]:
    """{source_id: spider class} for every spider module in crawlers/spiders/, sorted by id."""
    return dict(_discover())


@cache
def _discover() -> tuple[tuple[str, type[SourceSpider]], ...]:
    classes: dict[str, type[SourceSpider]] = {}
    # walk_modules_iter replaced walk_modules in Scrapy 2.14.
    walk = getattr(misc, "walk_modules_iter", None) or misc.walk_modules
    for module in walk(SPIDER_PACKAGE):
        for spider_class in iter_spider_classes(module):
            if issubclass(spider_class, SourceSpider) and spider_class.name:
                if spider_class.name in classes and classes[spider_class.name] is not spider_class:
                    raise RuntimeError(f"two spiders claim the source id {spider_class.name!r}")
                classes[spider_class.name] = spider_class
    return tuple(sorted(classes.items()))


def source_ids() -> list[str]:
    return list(spider_classes())


def spider_class(source_id: str) -> type[SourceSpider]:
    """The spider for a source id; ValueError naming the known ids if there is none."""
    classes = spider_classes()
    if source_id not in classes:
        raise ValueError(f"unknown source {source_id!r}; known sources: {', '.join(classes) or '(none)'}")
    return classes[source_id]


def source_infos() -> list[SourceInfo]:
    """The description of every source we crawl, for listings and citations."""
    return [cls.source_info() for cls in spider_classes().values()]
