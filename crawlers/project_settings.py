"""Scrapy's project settings (scrapy.cfg points here), so `scrapy list` and `scrapy crawl hrw` work as usual."""

from pipeline.settings import Settings

from .settings import scrapy_setting_values

globals().update(scrapy_setting_values(Settings.from_env(), log_level="INFO"))
